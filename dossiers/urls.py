from django.urls import path

from .views import access, book, counter, files, filing, processing

app_name = "dossiers"

urlpatterns = [
    path("", filing.mine, name="mine"),
    path("new/<slug:slug>/", filing.start, name="start"),
    path("d/<uuid:reference>/", filing.detail, name="detail"),
    path("d/<uuid:reference>/resume/", filing.resume, name="resume"),
    path("d/<uuid:reference>/reason/", access.access_reason, name="access_reason"),
    path("d/<uuid:reference>/accesses/", access.access_history, name="access_history"),
    path("d/<uuid:reference>/step/<str:key>/", filing.step, name="step"),
    path(
        "d/<uuid:reference>/documents/<int:document_id>/remove/",
        filing.remove_document,
        name="remove_document",
    ),
    path(
        "d/<uuid:reference>/documents/<int:document_id>/",
        files.document_download,
        name="document",
    ),
    path("d/<uuid:reference>/slip/", files.reception_slip_download, name="reception_slip"),
    path("d/<uuid:reference>/control-sheet/", files.control_sheet_download, name="control_sheet"),
    path(
        "d/<uuid:reference>/documents/<int:document_id>/retry/",
        files.document_retry,
        name="document_retry",
    ),
    path(
        "d/<uuid:reference>/documents/<int:document_id>/status/",
        files.document_status,
        name="document_status",
    ),
    path(
        "d/<uuid:reference>/documents/<int:document_id>/<str:kind>/",
        files.document_derived,
        name="document_derived",
    ),
    path("d/<uuid:reference>/act/<str:action>/", processing.act, name="act"),
    path("d/<uuid:reference>/slips/<int:slip_id>/", files.slip_download, name="slip"),
    path("worklist/", processing.worklist_view, name="worklist"),
    path("worklist/take-next/", processing.take_next, name="take_next"),
    path("tracking-book/", book.tracking_book, name="tracking_book"),
    path("tracking-book/pdf/", book.tracking_book_pdf, name="tracking_book_pdf"),
    path("tracking-book/xlsx/", book.tracking_book_xlsx_download, name="tracking_book_xlsx"),
    path("counter/", counter.counter_home, name="counter_intake"),
    path("counter/take-over/<uuid:reference>/", counter.take_over, name="take_over"),
    path(
        "counter/hand-to-citizen/<uuid:reference>/", counter.hand_to_citizen, name="hand_to_citizen"
    ),
    path("counter/refuse/<uuid:reference>/", counter.refuse, name="counter_refuse"),
    path(
        "counter/withdraw/<uuid:reference>/",
        counter.withdraw_in_person,
        name="counter_withdraw",
    ),
    path(
        "d/<uuid:reference>/refusal-slip/",
        counter.refusal_slip_download,
        name="refusal_slip",
    ),
]

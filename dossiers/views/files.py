"""Permission-checked downloads: documents and slips are never public URLs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accesslog.constants import AccessKind

from ..models import DossierDocument, Slip
from ..selectors import dossier_document, dossier_slip, has_reception_slip
from ..slips import reception_slip_when_ready
from .common import get_visible_dossier

# How often the "being prepared" page asks again.
SLIP_REFRESH_SECONDS = 2


def _file_response(field_file, *, filename: str, content_type: str, inline: bool = False):
    handle = field_file.storage.open(field_file.name, "rb")
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def document_download(request, reference, document_id):
    dossier = get_visible_dossier(
        request, reference, opened=AccessKind.DOCUMENT, object_id=document_id
    )
    try:
        document = dossier_document(dossier=dossier, document_id=document_id)
    except DossierDocument.DoesNotExist as exc:
        raise Http404 from exc
    return _file_response(
        document.file,
        filename=document.original_name,
        content_type=document.content_type,
        inline=request.GET.get("inline") == "1" and document.content_type == "application/pdf",
    )


@login_required
def reception_slip_download(request, reference):
    """The stored reception slip; the worker renders it right after reception.

    While the worker may still be at it (`reception_slip_when_ready` says None) the answer
    is a short "being prepared" page that refreshes itself (202).
    """
    dossier = get_visible_dossier(request, reference, opened=AccessKind.LETTER)
    if not has_reception_slip(dossier):
        raise Http404  # refused at the counter, never received: no reception slip
    slip = reception_slip_when_ready(dossier=dossier)
    if slip is None:
        response = render(
            request,
            "dossiers/slip_preparing.html",
            {"dossier": dossier, "refresh_seconds": SLIP_REFRESH_SECONDS},
            status=202,
        )
        response["Retry-After"] = str(SLIP_REFRESH_SECONDS)
        response["Cache-Control"] = "private, no-store"
        return response
    return _file_response(
        slip.file,
        filename=f"giay-tiep-nhan-{dossier.code}.pdf",
        content_type="application/pdf",
        inline=request.GET.get("inline") == "1",
    )


@login_required
def slip_download(request, reference, slip_id):
    """A letter or the signed result. Citizens get the result once it has been returned."""
    dossier = get_visible_dossier(request, reference, opened=AccessKind.LETTER, object_id=slip_id)
    try:
        slip = dossier_slip(dossier=dossier, user=request.user, slip_id=slip_id)
    except Slip.DoesNotExist as exc:
        raise Http404 from exc
    return _file_response(
        slip.file,
        filename=f"{slip.kind}-{dossier.code}.pdf",
        content_type="application/pdf",
        inline=request.GET.get("inline") == "1",
    )


@login_required
def control_sheet_download(request, reference):
    """Form 05, one row per hand-over derived from the event trail (staff only)."""
    from ..control_sheet import control_sheet_handovers
    from ..documents.letters import render_control_sheet

    if request.user.is_citizen:
        raise Http404
    dossier = get_visible_dossier(request, reference, opened=AccessKind.LETTER)
    pdf = render_control_sheet(dossier, handovers=control_sheet_handovers(dossier))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="phieu-kiem-soat-{dossier.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document_derived(request, reference, document_id, kind):
    """The searchable PDF or the page-1 thumbnail made by digitisation."""
    from ..digitisation import searchable_pdf_name, thumbnail_name

    dossier = get_visible_dossier(
        request, reference, opened=AccessKind.DOCUMENT, object_id=document_id
    )
    try:
        document = dossier_document(dossier=dossier, document_id=document_id)
    except DossierDocument.DoesNotExist as exc:
        raise Http404 from exc
    if kind == "thumbnail":
        name, content_type = thumbnail_name(document), "image/png"
    elif kind == "searchable":
        name, content_type = searchable_pdf_name(document), "application/pdf"
    else:
        raise Http404
    storage = document.file.storage
    if not storage.exists(name):
        raise Http404
    response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def document_status(request, reference, document_id):
    """A document's digitisation badge; while OCR runs it polls itself (htmx), so the page
    shows the result without a reload."""
    dossier = get_visible_dossier(request, reference, opened=None)
    document = get_object_or_404(
        DossierDocument.objects.only("pk", "dossier_id", "digitisation_status", "page_count"),
        pk=document_id,
        dossier=dossier,
    )
    response = render(
        request, "dossiers/partials/document_status.html", {"dossier": dossier, "d": document}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def document_retry(request, reference, document_id):
    from ..digitisation import document_retry_digitisation
    from ..exceptions import DossierError

    dossier = get_visible_dossier(request, reference)
    document = get_object_or_404(DossierDocument, pk=document_id, dossier=dossier)
    try:
        document_retry_digitisation(document=document, actor=request.user)
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Digitisation of “%(name)s” was started again.") % {"name": document.original_name},
        )
    return redirect("dossiers:detail", reference=dossier.reference)

"""Reception and appointment slip (Giấy tiếp nhận hồ sơ và hẹn trả kết quả).

Form 01 of Circular 01/2018/TT-VPCP, printed on A5 at the counter and stored for online
dossiers. The form's labels are Vietnamese whatever the user's language: it is a legal
document, so the wording lives in the template and in the label maps below rather than in
translation catalogues.
"""

from __future__ import annotations

from collections import OrderedDict

from django.conf import settings
from django.urls import reverse

from procedures.constants import OriginalOrCopy
from workdays.constants import TimeLimitUnit

from ..constants import APPLICANT_CHANNELS, DocumentSource, ReturnMethod
from ..models import Dossier, DossierDocument, PaperReceipt
from ..selectors import tracking_url
from .rendering import (
    accommodation_context,
    applicant_national_id,
    format_vn_moment,
    format_vnd,
    qr_svg_data_uri,
    render_pdf,
    slip_header_context,
)

TEMPLATE_NAME = "dossiers/slips/reception.html"

TIME_LIMIT_UNIT_LABELS = {
    TimeLimitUnit.WORKING_DAYS: "ngày làm việc",
    TimeLimitUnit.CALENDAR_DAYS_EXCLUDING_HOLIDAYS: "ngày (không kể ngày nghỉ lễ, Tết)",
    TimeLimitUnit.CALENDAR_DAYS: "ngày",
}
RETURN_METHOD_LABELS = {
    ReturnMethod.COUNTER: "Tại Bộ phận Một cửa",
    ReturnMethod.POST: "Qua dịch vụ bưu chính công ích",
    ReturnMethod.ELECTRONIC: "Trực tuyến trên tài khoản Cổng dịch vụ công",
}
ORIGINAL_OR_COPY_LABELS = {
    OriginalOrCopy.ORIGINAL: "Bản chính",
    OriginalOrCopy.COPY: "Bản sao",
    OriginalOrCopy.EITHER: "Bản chính hoặc bản sao",
}
ELECTRONIC_COPY_LABEL = "Bản điện tử"
OTHER_DOCUMENTS_LABEL = "Tài liệu khác"
ONLINE_RECEPTION_LABEL = "Tiếp nhận trực tuyến"
NO_FEE_LABEL = "Không thu phí"


def _document_rows(dossier: Dossier) -> list[dict]:
    """Rows of the documents table: ticked paper at the counter, else the uploads."""
    receipts = list(
        PaperReceipt.objects.filter(dossier=dossier)
        .select_related("component")
        .order_by("component__position", "component__id")
    )
    if receipts:
        return [
            {
                "name": receipt.component.name_vi,
                "form": ORIGINAL_OR_COPY_LABELS.get(
                    receipt.original_or_copy, receipt.original_or_copy
                ),
                "quantity": receipt.quantity,
            }
            for receipt in receipts
        ]
    groups: OrderedDict[int | None, dict] = OrderedDict()
    documents = (
        DossierDocument.objects.filter(dossier=dossier)
        .exclude(source=DocumentSource.GENERATED)
        .select_related("component")
        .order_by("component__position", "component__id", "created_at")
    )
    for document in documents:
        key = document.component_id
        if key not in groups:
            name = document.component.name_vi if document.component else OTHER_DOCUMENTS_LABEL
            groups[key] = {"name": name, "form": ELECTRONIC_COPY_LABEL, "quantity": 0}
        groups[key]["quantity"] += 1
    # Documents without a component go last.
    if None in groups:
        groups.move_to_end(None)
    return list(groups.values())


def _receiving_office(dossier: Dossier):
    if dossier.receiving_office_id:
        return dossier.receiving_office
    officer = dossier.received_by
    if officer is not None and getattr(officer, "office_id", None):
        return officer.office
    return dossier.competent_office


def _officer_name(officer, *, is_online: bool) -> str:
    if is_online:
        return ONLINE_RECEPTION_LABEL
    return officer.display_name if officer is not None else ""


def reception_slip_context(dossier: Dossier) -> dict:
    """Everything the reception slip template shows, already formatted in Vietnamese."""
    dossier = Dossier.objects.select_related(
        "procedure",
        "version",
        "receiving_office__parent",
        "competent_office__parent",
        "received_by__office__parent",
    ).get(pk=dossier.pk)
    office = _receiving_office(dossier)
    received_at = dossier.received_at or dossier.submitted_at
    version = dossier.version
    officer = dossier.received_by
    is_online = dossier.channel in APPLICANT_CHANNELS
    url = tracking_url(dossier)
    fee = dossier.procedure.fee_vnd
    return {
        **slip_header_context(office, at=received_at),
        # Large print and the support notice when the registry records needs.
        **accommodation_context(applicant_national_id(dossier), office=office),
        "title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "dossier": dossier,
        "code": dossier.code or "",
        "tracking_url": url,
        "tracking_home": f"{settings.SITE_URL.rstrip('/')}{reverse('tracking:track')}",
        "qr_data_uri": qr_svg_data_uri(url),
        "office_name": office.name if office else "",
        "applicant_name": dossier.applicant_name,
        "applicant_address": dossier.applicant_address,
        "applicant_phone": dossier.applicant_phone,
        "applicant_email": dossier.applicant_email,
        "request": dossier.procedure.name_vi,
        "documents": _document_rows(dossier),
        "paper_sets": f"{dossier.paper_sets:02d}",
        "time_limit": (
            f"{version.time_limit} "
            f"{TIME_LIMIT_UNIT_LABELS.get(version.time_limit_unit, version.time_limit_unit)}"
        ),
        "received_moment": format_vn_moment(received_at) if received_at else "",
        "due_moment": format_vn_moment(dossier.due_at) if dossier.due_at else "",
        "return_method": RETURN_METHOD_LABELS.get(dossier.return_method, ""),
        "fee": format_vnd(fee) if fee else NO_FEE_LABEL,
        "is_online": is_online,
        "officer_name": _officer_name(officer, is_online=is_online),
    }


def render_reception_slip(dossier: Dossier) -> bytes:
    """The reception slip of `dossier` as A5 PDF bytes."""
    return render_pdf(TEMPLATE_NAME, reception_slip_context(dossier), language="vi")

"""The bundle's documents as PDFs: the interconnected e-form and the refusal slip.

Legal documents: the wording is Vietnamese and lives in the templates and the label maps
below, not in the translation catalogues (as for the one-stop slips in `dossiers`).
WeasyPrint is imported by `render_pdf` only when a document is rendered (in tasks).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .constants import BundleDocumentKind, BundleKind
from .definitions import BUNDLE_TITLES_VI, part_spec
from .models import Bundle, BundlePart

EFORM_TEMPLATE = "beneficiaries/documents/eform.html"
REFUSAL_TEMPLATE = "beneficiaries/documents/part_refusal.html"

DOCUMENT_NAMES_VI = {
    BundleDocumentKind.MEDICAL_BIRTH_CERTIFICATE: "Giấy chứng sinh",
    BundleDocumentKind.MARRIAGE_CERTIFICATE: "Giấy chứng nhận kết hôn của cha mẹ",
    BundleDocumentKind.RESIDENCE_CONSENT: "Văn bản đồng ý cho đăng ký thường trú của chủ hộ "
    "hoặc chủ sở hữu chỗ ở",
    BundleDocumentKind.DEATH_NOTICE: "Giấy báo tử",
}
_GENDER_VI = {"male": "Nam", "female": "Nữ"}
_RELATIONSHIP_VI = {
    "mother": "Mẹ",
    "father": "Cha",
    "guardian": "Người giám hộ",
    "spouse": "Vợ hoặc chồng",
    "child": "Con",
    "parent": "Cha, mẹ đẻ hoặc cha, mẹ nuôi",
    "parent_in_law": "Cha, mẹ vợ hoặc cha, mẹ chồng",
    "other": "Thành viên khác trong gia đình / người lo mai táng",
}
_DECEASED_STATUS_VI = {
    "employee": "Người lao động đang đóng BHXH",
    "reserved": "Người đang bảo lưu thời gian đóng BHXH",
    "pensioner": "Người đang hưởng lương hưu hoặc trợ cấp hằng tháng",
}
_PAYMENT_VI = {
    "bank": "Chuyển khoản vào tài khoản ngân hàng cá nhân",
    "cash_post": "Nhận tiền mặt tại điểm chi trả của bưu điện",
}
_RETURN_VI = {
    "counter": "Nhận trực tiếp tại bộ phận một cửa",
    "post": "Gửi qua dịch vụ bưu chính công ích",
    "electronic": "Bản điện tử (Cổng Dịch vụ công, VssID, thư điện tử)",
}


def _vn_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def _office_for(bundle: Bundle):
    from offices.models import Office
    from offices.selectors import provincial_office_for

    try:
        return provincial_office_for(province_code=bundle.province_code)
    except Office.DoesNotExist:
        return None


def render_eform(bundle: Bundle) -> bytes:
    """The interconnected e-form as filed: what was declared and which procedures."""
    from dossiers.documents.rendering import format_vn_moment, render_pdf

    d = bundle.declaration
    parts = [part_spec(p.procedure).name_vi for p in bundle.parts.order_by("position")]
    documents = sorted(
        {DOCUMENT_NAMES_VI.get(k, k) for k in bundle.documents.values_list("kind", flat=True)}
    )
    rows = [
        ("Họ và tên người yêu cầu", d.get("applicant_full_name")),
        ("Số định danh cá nhân", d.get("applicant_national_id")),
        ("Ngày sinh", _vn_date(d.get("applicant_date_of_birth"))),
        ("Số điện thoại", d.get("applicant_phone")),
        ("Thư điện tử", d.get("applicant_email")),
    ]
    if bundle.kind == BundleKind.BIRTH:
        subject = [
            ("Họ và tên của trẻ", d.get("child_full_name")),
            ("Ngày sinh của trẻ", _vn_date(d.get("child_date_of_birth"))),
            ("Giới tính", _GENDER_VI.get(d.get("child_gender"), "")),
            ("Quan hệ của người yêu cầu với trẻ", _RELATIONSHIP_VI.get(d.get("relationship"), "")),
            ("Họ và tên cha/mẹ còn lại", d.get("other_parent_full_name")),
            ("Số định danh cá nhân của cha/mẹ còn lại", d.get("other_parent_national_id")),
            ("Nơi đăng ký thường trú của trẻ", d.get("residence_address")),
            ("Nơi đăng ký khám chữa bệnh ban đầu", d.get("facility_label")),
        ]
        subject_title = "Thông tin của trẻ"
    else:
        subject = [
            ("Họ và tên người chết", d.get("deceased_full_name")),
            ("Số định danh cá nhân của người chết", d.get("deceased_national_id")),
            ("Mã số BHXH của người chết", d.get("deceased_si_code")),
            ("Ngày chết", _vn_date(d.get("date_of_death"))),
            ("Người chết là", _DECEASED_STATUS_VI.get(d.get("deceased_status"), "")),
            ("Quan hệ với người chết", _RELATIONSHIP_VI.get(d.get("relationship"), "")),
            ("Địa chỉ liên hệ của người yêu cầu", d.get("residence_address")),
            ("Hình thức nhận tiền", _PAYMENT_VI.get(d.get("payment_method"), "")),
            ("Số tài khoản ngân hàng", d.get("bank_account")),
            ("Ngân hàng, chi nhánh", d.get("bank_name")),
            ("Số người hưởng trợ cấp tuất", d.get("number_of_beneficiaries")),
            ("Thông tin người hưởng trợ cấp tuất", d.get("beneficiaries_details")),
        ]
        subject_title = "Thông tin về người chết và chế độ đề nghị"
    context = {
        "title": BUNDLE_TITLES_VI[bundle.kind],
        "reference": str(bundle.reference),
        "filed_moment": format_vn_moment(bundle.filed_at),
        "applicant_rows": [(label, value) for label, value in rows if value],
        "subject_title": subject_title,
        "subject_rows": [(label, value) for label, value in subject if value not in (None, "")],
        "procedures": parts,
        "documents": documents,
        "return_method": _RETURN_VI.get(d.get("return_method"), ""),
        "applicant_name": d.get("applicant_full_name", ""),
    }
    return render_pdf(EFORM_TEMPLATE, context, language="vi")


def render_part_refusal(part: BundlePart) -> bytes:
    """Form 03 (refusal to receive and handle) for one part of a bundle (A5 PDF)."""
    from dossiers.documents.rendering import (
        accommodation_context,
        format_vn_moment,
        render_pdf,
        slip_header_context,
    )

    bundle = part.bundle
    office = _office_for(bundle)
    at = part.answered_at or timezone.now()
    context = {
        **slip_header_context(office, at=at),
        # The applicant's large print and support notice, as on the dossier letters.
        **accommodation_context(bundle.declaration.get("applicant_national_id", ""), office=office),
        "title": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        "code": str(bundle.reference),
        "office_name": office.name if office else "",
        "applicant_name": bundle.declaration.get("applicant_full_name", ""),
        "applicant_address": bundle.declaration.get("applicant_address")
        or bundle.declaration.get("residence_address", ""),
        "request": part_spec(part.procedure).name_vi,
        "bundle_title": BUNDLE_TITLES_VI[bundle.kind],
        "filed_moment": format_vn_moment(bundle.filed_at),
        "reason": part.refusal_reason,
    }
    return render_pdf(REFUSAL_TEMPLATE, context, language="vi")

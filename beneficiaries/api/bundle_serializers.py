"""Serializers of the bundles API: the declaration's shape checked here (its rules are the
page form's, `beneficiaries.forms`), the tracker read back. No writes.

Choice fields with common names (`kind`, `status`, `agency`) are plain strings in the
schema: enums of those names are already components of other operations.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..bundles.constants import BundleDocumentKind, BundleKind

BIRTH = "Khai sinh / Birth declaration"
DEATH = "Khai tử / Death declaration"


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def bundle_url(request, reference) -> str:
    return _absolute(request, reverse("beneficiaries_api:bundle", args=[reference]))


# --- inputs --------------------------------------------------------------------------


class BundleCreateInputSerializer(serializers.Serializer):
    """The declaration, as the page's form has it. The fields of the other kind are ignored."""

    kind = serializers.CharField(
        help_text=(
            "`birth`: khai sinh + đăng ký thường trú + thẻ BHYT trẻ dưới 6 tuổi; `death`: khai "
            "tử + xóa thường trú + trợ cấp mai táng (+ tuất) / `birth`: birth registration + "
            "permanent residence + HI card for a child under 6; `death`: death registration "
            "+ removal of residence + funeral allowance (+ survivor allowance)."
        )
    )
    # What both declarations share.
    applicant_phone = serializers.CharField(
        max_length=16, help_text="Số điện thoại của bạn / Your phone number."
    )
    applicant_email = serializers.EmailField(
        required=False, allow_blank=True, help_text="Thư điện tử / Your e-mail."
    )
    applicant_date_of_birth = serializers.DateField(
        required=False,
        help_text=(
            "Ngày sinh, chỉ khi BHXH chưa biết / Your date of birth, only when VSS does not "
            "know it."
        ),
    )
    # Plain integers and strings, not enums: the same choice sets are already named
    # components (ProvinceCodeEnum, ResultDeliveryEnum); the form checks the choices.
    province = serializers.IntegerField(
        min_value=1,
        help_text=(
            "Tỉnh/thành nơi thường trú của trẻ (khai sinh) hoặc nơi bạn ở (khai tử) / Province "
            "of the child's permanent residence (birth) or where you live (death)."
        ),
    )
    commune = serializers.IntegerField(
        min_value=1, help_text="Mã xã/phường thuộc tỉnh đã chọn / Commune code in that province."
    )
    street = serializers.CharField(
        max_length=200, help_text="Số nhà, đường, thôn / House number, street, hamlet."
    )
    relationship = serializers.ChoiceField(
        choices=[
            "mother",
            "father",
            "guardian",
            "spouse",
            "child",
            "parent",
            "parent_in_law",
            "other",
        ],
        help_text=(
            f"{BIRTH}: mother, father, guardian. {DEATH}: spouse, child, parent, "
            "parent_in_law, other."
        ),
    )
    return_method = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text=(
            "Cách nhận kết quả của BHXH: electronic, counter, post / How you receive the VSS "
            "results (needed with the HI card, funeral or survivor allowance)."
        ),
    )
    # Birth.
    child_full_name = serializers.CharField(
        required=False, max_length=150, help_text=f"{BIRTH}: họ tên trẻ / child's full name."
    )
    child_date_of_birth = serializers.DateField(
        required=False,
        help_text=(
            f"{BIRTH}: ngày sinh (không ở tương lai; dưới 6 tuổi để cấp thẻ BHYT) / date of "
            "birth (not in the future; under 6 for the HI card)."
        ),
    )
    child_gender = serializers.ChoiceField(
        choices=["male", "female"],
        required=False,
        help_text=f"{BIRTH}: giới tính / gender.",
    )
    other_parent_full_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text=f"{BIRTH}: họ tên cha/mẹ còn lại / other parent's full name.",
    )
    other_parent_national_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text=f"{BIRTH}: CCCD cha/mẹ còn lại (12 số) / other parent's ID number (12 digits).",
    )
    home_not_owned = serializers.BooleanField(
        required=False,
        help_text=(
            f"{BIRTH}: nhà của người khác (cần văn bản đồng ý) / the home belongs to someone "
            "else (their consent is needed)."
        ),
    )
    want_residence = serializers.BooleanField(
        required=False,
        help_text=f"{BIRTH}: đăng ký thường trú / register permanent residence (police).",
    )
    want_hi_card = serializers.BooleanField(
        required=False, help_text=f"{BIRTH}: cấp thẻ BHYT / the child's HI card (VSS)."
    )
    facility = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text=(
            f"{BIRTH}: mã nơi KCB ban đầu, bắt buộc khi cấp thẻ / initial health-care facility "
            "code, needed for the HI card."
        ),
    )
    # Death.
    deceased_relative = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=(
            f"{DEATH}: người thân trong sổ BHXH (mã người) thay cho nhập tay / a relative of "
            "yours in the VSS registry (person id) instead of typing their details."
        ),
    )
    deceased_full_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text=f"{DEATH}: họ tên người mất / full name of the deceased.",
    )
    deceased_national_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text=f"{DEATH}: CCCD người mất / ID number of the deceased.",
    )
    deceased_si_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text=(
            f"{DEATH}: mã số BHXH người mất: 10 chữ số, hoặc số CCCD 12 chữ số (từ 01/7/2025 "
            "số định danh cá nhân là mã số BHXH) / SI code of the deceased: 10 digits, or the "
            "12-digit personal ID number (since 1 July 2025 it serves as the SI code)."
        ),
    )
    date_of_death = serializers.DateField(
        required=False, help_text=f"{DEATH}: ngày mất / date of death."
    )
    want_residence_removal = serializers.BooleanField(
        required=False, help_text=f"{DEATH}: xóa thường trú / remove permanent residence."
    )
    want_funeral = serializers.BooleanField(
        required=False, help_text=f"{DEATH}: trợ cấp mai táng / funeral allowance."
    )
    want_survivor = serializers.BooleanField(
        required=False, help_text=f"{DEATH}: trợ cấp tuất hằng tháng / monthly survivor allowance."
    )
    deceased_status = serializers.ChoiceField(
        choices=["employee", "reserved", "pensioner"],
        required=False,
        allow_blank=True,
        help_text=f"{DEATH}: người mất là / the deceased was (with an allowance).",
    )
    cause_of_death = serializers.ChoiceField(
        choices=["work_related", "other"],
        required=False,
        allow_blank=True,
        help_text=f"{DEATH}: nguyên nhân (trợ cấp tuất) / cause (survivor allowance).",
    )
    number_of_beneficiaries = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=20,
        help_text=f"{DEATH}: số thân nhân hưởng tuất / relatives claiming (survivor allowance).",
    )
    beneficiaries_details = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=f"{DEATH}: các thân nhân / those relatives (name, relationship, year of birth).",
    )
    payment_method = serializers.ChoiceField(
        choices=["bank", "cash_post"],
        required=False,
        allow_blank=True,
        help_text=f"{DEATH}: cách nhận trợ cấp / how the allowance is paid.",
    )
    bank_account = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=24,
        help_text=f"{DEATH}: số tài khoản (chuyển khoản) / bank account (transfer).",
    )
    bank_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=f"{DEATH}: ngân hàng, chi nhánh / bank and branch (transfer).",
    )

    def validate_kind(self, value: str) -> str:
        if value not in BundleKind.values:
            message = serializers.ChoiceField.default_error_messages["invalid_choice"]
            raise serializers.ValidationError(message.format(input=value), code="invalid_choice")
        return value


def _file(help_text: str) -> serializers.FileField:
    return serializers.FileField(required=False, help_text=help_text)


class BundleCreateMultipartInputSerializer(BundleCreateInputSerializer):
    """The declaration with its documents (PDF, JPEG, PNG, TIFF or HEIC, 10 MB at most)."""

    medical_birth_certificate = _file(
        f"{BIRTH}: giấy chứng sinh; nếu chưa có, bổ sung trong 7 ngày làm việc / medical birth "
        "certificate; if you do not have it now, add it within 7 working days."
    )
    marriage_certificate = _file(
        f"{BIRTH}: giấy chứng nhận kết hôn, khi chưa có trong CSDL hộ tịch / marriage "
        "certificate, when not yet in the electronic civil registry."
    )
    residence_consent = _file(
        f"{BIRTH}: văn bản đồng ý của chủ hộ/chủ nhà / consent of the household head or owner."
    )
    death_notice = _file(
        f"{DEATH}: giấy báo tử; nếu chưa có, bổ sung trong 7 ngày làm việc / death notice; if "
        "you do not have it now, add it within 7 working days."
    )


DOCUMENT_FIELDS = tuple(BundleDocumentKind.values)


class BundleDocumentInputSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text=(
            "Giấy tờ còn thiếu, theo `missing_documents` của bộ hồ sơ / The missing document, "
            f"one of the bundle's `missing_documents`: {', '.join(DOCUMENT_FIELDS)}."
        )
    )
    file = serializers.FileField(
        help_text="Tệp PDF, JPEG, PNG, TIFF hoặc HEIC, tối đa 10 MB / The file, 10 MB at most."
    )


# --- outputs -------------------------------------------------------------------------


class DocumentKindOutputSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text=f"Loại giấy tờ / Document: {', '.join(DOCUMENT_FIELDS)}."
    )
    label = serializers.CharField()


class BundleDossierOutputSerializer(serializers.Serializer):
    """The VSS dossier a VSS part became."""

    reference = serializers.UUIDField()
    code = serializers.CharField(
        allow_null=True, help_text="Mã hồ sơ, khi đã nộp / Dossier code, once submitted."
    )
    state = serializers.CharField(help_text="Trạng thái hồ sơ / Dossier state.")
    state_label = serializers.CharField(source="get_state_display")
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, dossier) -> str:
        path = reverse("dossiers_api:detail", args=[dossier.code or dossier.reference])
        return _absolute(self.context.get("request"), path)


class BundlePartOutputSerializer(serializers.Serializer):
    procedure = serializers.CharField(source="part.procedure", help_text="Thủ tục / Procedure.")
    procedure_label = serializers.CharField(source="part.get_procedure_display")
    name_vi = serializers.CharField(
        source="spec.name_vi", help_text="Tên thủ tục trên giấy tờ / The procedure's legal name."
    )
    name_en = serializers.CharField(
        source="spec.name_en", help_text="Tên thủ tục bằng tiếng Anh / The procedure in English."
    )
    agency = serializers.CharField(
        source="part.agency",
        help_text="Cơ quan: justice (hộ tịch), police (cư trú), vss / Agency.",
    )
    agency_label = serializers.CharField(source="part.get_agency_display")
    status = serializers.CharField(
        source="part.status",
        help_text=(
            "waiting, awaiting_documents, queued, sent, completed, filed, refused, cancelled."
        ),
    )
    status_label = serializers.CharField(source="part.get_status_display")
    is_open = serializers.BooleanField(help_text="Còn đang xử lý / Still in progress.")
    dossier = BundleDossierOutputSerializer(
        allow_null=True,
        help_text="Hồ sơ BHXH, khi phần này đã thành hồ sơ / The VSS dossier, once filed.",
    )
    target_at = serializers.DateTimeField(
        allow_null=True,
        help_text="Thời hạn dự kiến của BHXH / When VSS aims to finish (VSS parts).",
    )
    documents_due_at = serializers.DateTimeField(
        source="part.documents_due_at",
        allow_null=True,
        help_text="Hạn bổ sung giấy tờ / Missing documents due by.",
    )
    missing_documents = serializers.SerializerMethodField()
    agency_reference = serializers.CharField(
        source="part.agency_reference", help_text="Số tham chiếu của cơ quan / Agency reference."
    )
    sent_at = serializers.DateTimeField(source="part.sent_at", allow_null=True)
    answered_at = serializers.DateTimeField(source="part.answered_at", allow_null=True)
    refusal_reason = serializers.CharField(
        source="part.refusal_reason", help_text="Lý do từ chối / Reason of a refusal."
    )

    @extend_schema_field(DocumentKindOutputSerializer(many=True))
    def get_missing_documents(self, view) -> list[dict]:
        return [{"kind": kind, "label": label} for kind, label in view.missing]


class BundleDocumentOutputSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="Loại giấy tờ / Document.")
    label = serializers.CharField(source="get_kind_display")
    file_name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Byte / Bytes.")
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()


class BundleEventOutputSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="Sự kiện / Event.")
    label = serializers.CharField(source="get_kind_display")
    procedure = serializers.CharField(
        source="part.procedure", allow_null=True, default=None, help_text="Thủ tục / Procedure."
    )
    status = serializers.CharField(help_text="Trạng thái mới / New status (may be empty).")
    created_at = serializers.DateTimeField()


class HiCardRefOutputSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="Mã thẻ BHYT / Card number.")
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()


class BundleListPartOutputSerializer(serializers.Serializer):
    procedure = serializers.CharField()
    procedure_label = serializers.CharField(source="get_procedure_display")
    agency = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")


class BundleListOutputSerializer(serializers.Serializer):
    reference = serializers.UUIDField()
    url = serializers.SerializerMethodField()
    kind = serializers.CharField(help_text="birth | death")
    kind_label = serializers.CharField(source="get_kind_display")
    filed_at = serializers.DateTimeField()
    is_open = serializers.BooleanField(help_text="Còn phần đang xử lý / Some part in progress.")
    parts = BundleListPartOutputSerializer(many=True, source="parts.all")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, bundle) -> str:
        return bundle_url(self.context.get("request"), bundle.reference)


class BundleTrackerOutputSerializer(serializers.Serializer):
    """One bundle on its tracker (`beneficiaries.bundles.selectors.bundle_tracker`)."""

    reference = serializers.UUIDField(source="bundle.reference")
    url = serializers.SerializerMethodField()
    kind = serializers.CharField(source="bundle.kind", help_text="birth | death")
    kind_label = serializers.CharField(source="bundle.get_kind_display")
    title_vi = serializers.CharField(help_text="Tên liên thông / The bundle's legal title.")
    title_en = serializers.CharField(
        help_text="Tên liên thông bằng tiếng Anh / The bundle's title in English."
    )
    filed_at = serializers.DateTimeField(source="bundle.filed_at")
    documents_due_at = serializers.DateTimeField(
        source="bundle.documents_due_at",
        help_text="Hạn bổ sung giấy tờ (7 ngày làm việc) / Documents due (7 working days).",
    )
    is_open = serializers.BooleanField()
    parts = BundlePartOutputSerializer(many=True)
    missing_documents = serializers.SerializerMethodField()
    documents = BundleDocumentOutputSerializer(many=True)
    events = BundleEventOutputSerializer(many=True)
    hi_card = HiCardRefOutputSerializer(
        source="card",
        allow_null=True,
        help_text="Thẻ BHYT của trẻ, khi đã cấp / The child's HI card, once issued.",
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, tracker) -> str:
        return bundle_url(self.context.get("request"), tracker.bundle.reference)

    @extend_schema_field(DocumentKindOutputSerializer(many=True))
    def get_missing_documents(self, tracker) -> list[dict]:
        return [{"kind": kind, "label": label} for kind, label in tracker.missing_documents]

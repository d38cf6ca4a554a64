"""Serializers of the dossier API: inputs checked here, outputs read-only. No writes."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from offices.geography import province_choices

from ..constants import (
    Channel,
    DigitisationStatus,
    DocumentSource,
    DossierState,
    EventKind,
    Outcome,
    Representation,
    ReturnMethod,
    Timeliness,
)

PROVINCES = [code for code, _name in province_choices()]

VALUES_HELP = (
    "Giá trị các trường của tờ khai theo `fields` của phiên bản thủ tục (GET "
    "/api/v1/procedures/{slug}/), chỉ cần gửi các trường thay đổi / The form's values by field "
    "name, as the procedure version's `fields` describe them (GET /api/v1/procedures/{slug}/); "
    "send only the fields you change. Dates as YYYY-MM-DD, amounts in VND as integers.\n\n"
    "Trường `si_code`: mã số BHXH 10 chữ số hoặc số CCCD 12 chữ số (từ 01/7/2025 số định danh "
    "cá nhân là mã số BHXH; phải khớp năm sinh). Trường `hi_card`: mã 10 số in trên thẻ BHYT "
    "từ năm 2021 hoặc mã 15 ký tự của thẻ cũ / A `si_code` field takes the 10-digit SI code "
    "or the 12-digit personal ID number (since 1 July 2025 it serves as the SI code; it must "
    "match the date of birth). A `hi_card` field takes the 10 digits printed on cards since "
    "2021 or the 15 characters of an older card."
)


def _inline_enum(choices, *, blank: bool = False, **kwargs) -> serializers.ChoiceField:
    """A choice field whose enum is written inline in the schema, not as a named component
    (the same choice set is already named elsewhere, e.g. by the procedures API)."""
    values = [value for value, _label in choices] + ([""] if blank else [])

    @extend_schema_field({"type": "string", "enum": values})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=[*([("", "")] if blank else []), *choices], **kwargs)


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# --- inputs --------------------------------------------------------------------------


class DossierListInputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=DossierState.choices, required=False, help_text="Trạng thái / State."
    )
    procedure = serializers.SlugField(
        required=False, max_length=80, help_text="Mã định danh thủ tục / Procedure slug."
    )
    created_after = serializers.DateTimeField(
        required=False, help_text="Tạo từ thời điểm / Created at or after (ISO 8601)."
    )
    created_before = serializers.DateTimeField(
        required=False, help_text="Tạo trước thời điểm / Created before (ISO 8601)."
    )


class AuthorisationLetterInputSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=150,
        help_text="Tên tệp, ví dụ giay-uy-quyen.pdf / File name, e.g. letter.pdf.",
    )
    content = serializers.CharField(
        max_length=14_000_000,
        help_text=(
            "Nội dung tệp PDF, JPEG hoặc PNG mã hóa base64, tối đa 10 MB / The PDF, JPEG or "
            "PNG file encoded in base64, at most 10 MB."
        ),
    )

    def validate_content(self, value):
        import base64
        import binascii

        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise serializers.ValidationError(
                "Không phải base64 hợp lệ / Not valid base64.", code="invalid"
            ) from exc


class PrincipalInputSerializer(serializers.Serializer):
    kind = _inline_enum(
        Representation.choices,
        help_text=(
            "`guardian`: cha, mẹ hoặc người giám hộ của trẻ có trong cơ sở dữ liệu; "
            "`authorisation`: người được ủy quyền, kèm giấy ủy quyền (kiểm tra khi tiếp nhận) "
            "/ `guardian`: parent or guardian of a child in the registry; `authorisation`: "
            "authorised by an adult, with the letter of authorisation (checked at reception)."
        ),
    )
    national_id = serializers.RegexField(
        r"^\d{12}$",
        help_text="Số CCCD 12 chữ số của người được nộp thay / The principal's 12-digit CCCD.",
    )
    full_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text=(
            "Họ tên người ủy quyền (bắt buộc với `authorisation`; với `guardian` lấy theo cơ "
            "sở dữ liệu) / The authorising person's name (required for `authorisation`; for "
            "`guardian` the registry's name is used)."
        ),
    )
    scope = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text=(
            "Phạm vi ủy quyền (bắt buộc với `authorisation`) / What the letter covers "
            "(required for `authorisation`)."
        ),
    )
    authorisation_letter = AuthorisationLetterInputSerializer(
        required=False,
        help_text=(
            "Giấy ủy quyền (bắt buộc với `authorisation`) / The letter (for `authorisation`)."
        ),
    )

    def validate(self, attrs):
        if attrs["kind"] == Representation.AUTHORISATION:
            errors = {}
            if not attrs.get("full_name", "").strip():
                errors["full_name"] = ["Nhập họ tên / Enter the full name."]
            if not attrs.get("scope", "").strip():
                errors["scope"] = [
                    "Nêu phạm vi ủy quyền / Say what the letter of authorisation covers."
                ]
            if not attrs.get("authorisation_letter"):
                errors["authorisation_letter"] = [
                    "Gửi giấy ủy quyền / Send the letter of authorisation."
                ]
            if errors:
                raise serializers.ValidationError(errors, code="required")
        return attrs


class DossierCreateInputSerializer(serializers.Serializer):
    procedure = serializers.SlugField(
        max_length=80, help_text="Mã định danh thủ tục / Procedure slug, e.g. sickness-benefit."
    )
    data = serializers.DictField(
        child=serializers.JSONField(allow_null=True), required=False, help_text=VALUES_HELP
    )
    province_code = serializers.ChoiceField(
        choices=PROVINCES,
        required=False,
        help_text=(
            "Tỉnh/thành của cơ quan có thẩm quyền (nơi cư trú hoặc của đơn vị) / Province "
            "code of the competent office (where the person lives, or the employer's)."
        ),
    )
    address = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text="Địa chỉ / Address."
    )
    external_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text=(
            "Mã tham chiếu của hệ thống đối tác (chỉ với mã truy cập đối tác) / The partner "
            "system's own reference (partner tokens only)."
        ),
    )
    principal = PrincipalInputSerializer(
        required=False,
        help_text=(
            "Nộp thay người khác (chỉ công dân): trẻ em có trong cơ sở dữ liệu hoặc người lớn "
            "ủy quyền. Hồ sơ mang tên người được nộp thay; họ thấy hồ sơ trong tài khoản của "
            "mình / Filing for another person (citizens only): a child in the registry or an "
            "authorising adult. The dossier is the principal's; they see it in their account."
        ),
    )


class DossierUpdateInputSerializer(serializers.Serializer):
    data = serializers.DictField(
        child=serializers.JSONField(allow_null=True), required=False, help_text=VALUES_HELP
    )
    province_code = serializers.ChoiceField(choices=PROVINCES, required=False)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def validate(self, attrs):
        if not attrs or attrs == {"data": {}}:
            raise serializers.ValidationError(
                "Gửi ít nhất một thay đổi / Send at least one change.", code="empty"
            )
        return attrs


class DocumentUploadInputSerializer(serializers.Serializer):
    component = serializers.CharField(
        max_length=64,
        help_text=(
            "Mã thành phần hồ sơ (`components[].code` của phiên bản) / Document component code "
            "(`components[].code` of the version)."
        ),
    )
    file = serializers.FileField(
        help_text=(
            "Tệp PDF, JPEG, PNG, TIFF hoặc HEIC theo thành phần; nhận dạng theo nội dung / "
            "A PDF, JPEG, PNG, TIFF or HEIC file as the component accepts; recognised by its "
            "content, not its name."
        )
    )


class TrackingInputSerializer(serializers.Serializer):
    id_last4 = serializers.RegexField(
        r"^[0-9]{4}$",
        required=False,
        help_text=("4 số cuối CCCD của người nộp / Last 4 digits of the applicant's ID number."),
    )
    token = serializers.CharField(
        required=False,
        max_length=300,
        help_text="Mã trên phiếu hẹn (mã QR) / The token printed on the slip (its QR code).",
    )

    def validate(self, attrs):
        if not attrs.get("id_last4") and not attrs.get("token"):
            raise serializers.ValidationError(
                "Gửi id_last4 hoặc token / Send id_last4 or token.", code="required"
            )
        return attrs


# --- action inputs -------------------------------------------------------------------


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Lý do (bắt buộc) / Reason (required)."
    )


class NoInputSerializer(serializers.Serializer):
    """No fields: send `{}` or no body."""


class SupplementRequestInputSerializer(ReasonInputSerializer):
    items = serializers.ListField(
        child=serializers.CharField(max_length=300),
        min_length=1,
        max_length=50,
        help_text="Các giấy tờ cần bổ sung / The items to supply.",
    )


class SupplyInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Ghi chú / Note."
    )


class ApproveInputSerializer(serializers.Serializer):
    decision_text = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="Nội dung / Decision text."
    )


class DenyInputSerializer(serializers.Serializer):
    decision_text = serializers.CharField(
        max_length=5000, help_text="Lý do từ chối (bắt buộc) / Reason for the denial (required)."
    )


class ReturnResultInputSerializer(serializers.Serializer):
    delivery = serializers.ChoiceField(
        choices=ReturnMethod.choices, help_text="Hình thức trả kết quả / How it is returned."
    )
    tracking_number = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="Số vận đơn khi gửi bưu điện / Postal tracking number (by post).",
    )


class ApologiseInputSerializer(ReasonInputSerializer):
    new_due_at = serializers.DateTimeField(
        help_text="Thời hạn trả kết quả mới / The new appointed return time (ISO 8601)."
    )


class AssignInputSerializer(serializers.Serializer):
    officer = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text=(
            "Mã cán bộ xử lý của đơn vị, lấy từ GET /api/v1/offices/{agency_code}/officers/ "
            "(những người có `assignable`) / ID of a processing officer of your office, from "
            "GET /api/v1/offices/{agency_code}/officers/ (those with `assignable`)."
        ),
    )


# --- outputs -------------------------------------------------------------------------


class ProcedureRefOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    slug = serializers.SlugField()
    name_vi = serializers.CharField()
    name_en = serializers.CharField()


class OfficeRefOutputSerializer(serializers.Serializer):
    agency_code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class DossierListOutputSerializer(serializers.Serializer):
    reference = serializers.UUIDField()
    code = serializers.CharField(allow_null=True, help_text="Null cho bản nháp / Null for a draft.")
    url = serializers.SerializerMethodField()
    procedure = ProcedureRefOutputSerializer()
    state = serializers.ChoiceField(choices=DossierState.choices)
    state_label = serializers.CharField(source="get_state_display")
    portal_code = serializers.IntegerField(
        allow_null=True,
        help_text="Mã trạng thái của Cổng DVC quốc gia / National portal status code.",
    )
    channel = _inline_enum(Channel.choices)
    applicant_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(
        allow_null=True, help_text="Hẹn trả kết quả / Appointed return time."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, dossier) -> str:
        path = reverse("dossiers_api:detail", args=[dossier.code or dossier.reference])
        return _absolute(self.context.get("request"), path)


_TIMELINESS_HELP = (
    "Trước hạn / đúng hạn / quá hạn, so với thời hạn theo quy định (`statutory_due_at`): hồ sơ "
    "đã trả theo kết quả ghi nhận; hồ sơ đang giải quyết là quá hạn khi đã qua thời hạn đó, dù "
    "đã có phiếu xin lỗi hẹn lại; rỗng khi chưa có kết quả. / Early, on time or late against "
    "the statutory date (`statutory_due_at`): a returned dossier has its recorded result; an "
    "open one is late once that date has passed, whatever new date an apology gave; empty "
    "while there is no result yet."
)
_STATUTORY_HELP = (
    "Thời hạn trả kết quả theo quy định: lùi lại khi chờ bổ sung hồ sơ, không lùi theo ngày hẹn "
    "lại trong phiếu xin lỗi (`due_at`). / The statutory return time: moved while a "
    "supplement is awaited, never by an apology's new date (which moves `due_at`)."
)


class ApplicantOutputSerializer(serializers.Serializer):
    name = serializers.CharField(source="applicant_name")
    national_id = serializers.CharField(source="applicant_national_id")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")
    address = serializers.CharField(source="applicant_address")
    province_code = serializers.IntegerField(source="applicant_province_code", allow_null=True)


class DocumentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    component = serializers.CharField(source="component.code", allow_null=True)
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    sha256 = serializers.CharField()
    page_count = serializers.IntegerField(allow_null=True)
    source = serializers.ChoiceField(choices=DocumentSource.choices)
    digitisation_status = serializers.ChoiceField(choices=DigitisationStatus.choices)
    created_at = serializers.DateTimeField()


class MissingItemOutputSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="Như trong `missing_items` / As in `missing_items`.")
    code = serializers.ChoiceField(
        choices=[
            ("field_required", "field_required"),
            ("field_invalid", "field_invalid"),
            ("document_required", "document_required"),
            ("one_of_documents", "one_of_documents"),
        ]
    )
    field = serializers.CharField(
        allow_null=True, help_text="Trường liên quan, hoặc null / The field, or null."
    )
    documents = serializers.ListField(
        child=serializers.CharField(),
        help_text=(
            "Mã giấy tờ bổ sung được mục này (một trong số đó với `one_of_documents`) / "
            "Document codes that supply it (any one of them for `one_of_documents`)."
        ),
    )


class ActionOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    needs_reason = serializers.BooleanField()
    url = serializers.URLField()


class DossierDetailOutputSerializer(DossierListOutputSerializer):
    revision = serializers.IntegerField(help_text="Như ETag / Same as the ETag.")
    applicant = ApplicantOutputSerializer(source="*")
    data = serializers.DictField(child=serializers.JSONField(allow_null=True))
    return_method = serializers.CharField()
    draft_expires_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    original_due_at = serializers.DateTimeField(allow_null=True)
    statutory_due_at = serializers.DateTimeField(allow_null=True, help_text=_STATUTORY_HELP)
    decided_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    receiving_office = OfficeRefOutputSerializer(allow_null=True)
    competent_office = OfficeRefOutputSerializer(allow_null=True)
    supplement_reason = serializers.CharField()
    supplement_items = serializers.ListField(child=serializers.CharField())
    outcome = serializers.ChoiceField(
        choices=[("", ""), *Outcome.choices],
        help_text=("Người nộp thấy kết quả khi đã giải quyết / Applicants see it once processed."),
    )
    decision_text = serializers.CharField()
    decision_number = serializers.CharField(
        read_only=True,
        help_text=(
            "Số quyết định (thông báo) do cơ quan cấp khi ký, theo năm: `123/QĐ-BHXH`, "
            "`45/TB-BHXH`; rỗng khi chưa ký / The result's number in the deciding office's "
            "register of the year, given when it is signed; empty until then."
        ),
    )
    stop_reason = serializers.CharField()
    result_delivery = _inline_enum(ReturnMethod.choices, blank=True)
    post_tracking_number = serializers.CharField()
    timeliness = serializers.ChoiceField(
        choices=[("", ""), *Timeliness.choices],
        source="current_timeliness",
        help_text=_TIMELINESS_HELP,
    )
    documents = DocumentOutputSerializer(many=True)
    missing_items = serializers.ListField(
        child=serializers.CharField(),
        help_text=(
            "Với bản nháp: những gì còn thiếu để nộp / For a draft: what is still missing "
            "before it can be submitted."
        ),
    )
    missing = MissingItemOutputSerializer(
        many=True,
        help_text=(
            "Như `missing_items`, dạng máy đọc được: trường (`data.<tên>`) hoặc mã giấy tờ "
            "(`component` khi tải lên) / As `missing_items`, in machine form: the field "
            "(`data.<name>`) or the document codes (the upload's `component`)."
        ),
    )
    available_actions = ActionOutputSerializer(
        many=True,
        help_text=(
            "Các thao tác bạn được làm lúc này / The actions you may take now (POST to `url`)."
        ),
    )


class TimelineEventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    label = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    office = serializers.CharField(
        source="office.agency_code", allow_null=True, help_text="Mã cơ quan / Agency code."
    )
    actor_role = serializers.CharField(help_text="Vai trò người thực hiện / Role of the actor.")
    created_at = serializers.DateTimeField()


class TrackingEventOutputSerializer(serializers.Serializer):
    label = serializers.CharField()
    to_state = serializers.CharField()
    created_at = serializers.DateTimeField()


class TrackingOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = ProcedureRefOutputSerializer()
    state = serializers.ChoiceField(choices=DossierState.choices)
    state_label = serializers.CharField(source="get_state_display")
    portal_code = serializers.IntegerField(allow_null=True)
    applicant_masked_name = serializers.CharField(
        help_text="Họ tên đã che / The applicant's name, masked (N***** V** A*)."
    )
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    statutory_due_at = serializers.DateTimeField(allow_null=True, help_text=_STATUTORY_HELP)
    returned_at = serializers.DateTimeField(allow_null=True)
    timeliness = serializers.ChoiceField(
        choices=[("", ""), *Timeliness.choices],
        source="current_timeliness",
        help_text=_TIMELINESS_HELP,
    )
    competent_office = OfficeRefOutputSerializer(allow_null=True)
    timeline = TrackingEventOutputSerializer(many=True)

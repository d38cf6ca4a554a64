"""Bundles API: interconnected declarations (birth, death) filed and followed by citizens.

The declaration is checked by the page's own form (`beneficiaries.forms.BirthBundleForm`,
`DeathBundleForm`): the same fields, rules and messages as the filing page; the serializer
only refuses what a form never receives (nested values, files in JSON). Writes go through
`beneficiaries.bundles.services`, reads through its selectors. Citizen sessions only:
partner tokens name no scope for bundles and are refused (403).
"""

from __future__ import annotations

import copy
import hashlib

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.response import Response

from core.api import Problem
from core.parsers import JSONParser, MultiPartParser
from dossiers.api.common import (
    AUTH_PROBLEMS,
    IDEMPOTENCY_KEY,
    IDEMPOTENT_REPLAYED_HEADER,
    LOCATION_HEADER,
    UNSUPPORTED_MEDIA,
    ApiView,
    PortalCursorPagination,
    problem,
    problem_example,
)
from dossiers.api.idempotency import (
    fingerprint,
    idempotency_key,
    key_reused,
    run_idempotent_resource,
    upload_sha256,
)
from dossiers.prefill import known_values

from ..bundles.constants import BundleKind
from ..bundles.definitions import BUNDLE_TITLES_EN, BUNDLE_TITLES_VI, part_spec
from ..bundles.models import Bundle, BundleDocument
from ..bundles.selectors import bundle_for_user, bundle_tracker, citizen_bundles
from ..bundles.services import (
    BundleDocumentRejected,
    BundleError,
    BundleNotAllowed,
    Upload,
    bundle_document_add,
    bundle_file,
)
from ..forms import BirthBundleForm, BundleDocumentForm, DeathBundleForm
from ..selectors import person_by_identifier, relatives_of
from .bundle_serializers import (
    DOCUMENT_FIELDS,
    BundleCreateInputSerializer,
    BundleCreateMultipartInputSerializer,
    BundleDocumentInputSerializer,
    BundleListOutputSerializer,
    BundleTrackerOutputSerializer,
)

TAGS = ["bundles"]
P = "application/problem+json"
FORMS = {BundleKind.BIRTH: BirthBundleForm, BundleKind.DEATH: DeathBundleForm}
SESSION_ONLY = (
    "Chỉ phiên đăng nhập của công dân; mã truy cập đối tác không dùng được (403) / Citizen "
    "sessions only; partner tokens are refused (403)."
)


def as_problem(exc: Exception) -> Exception:
    """Bundle errors as RFC 9457 problems; anything else unchanged."""
    if isinstance(exc, BundleDocumentRejected):
        return Problem(
            status_code=400,
            code="upload_rejected",
            title=_("The file was not accepted."),
            detail=exc.message,
            errors=[{"field": exc.kind, "message": str(exc.message), "code": "upload_rejected"}],
        )
    if isinstance(exc, BundleNotAllowed):
        return Problem(status_code=403, code="not_allowed", title=exc.message)
    if isinstance(exc, BundleError):
        return Problem(status_code=409, code="bundle_error", title=exc.message)
    return exc


class BundleApiView(ApiView):
    # No scope names these operations: partner tokens are refused (HasScope).
    required_scopes = None

    def handle_exception(self, exc):
        return super().handle_exception(as_problem(exc))


def form_errors(form) -> ValidationError:
    """A page form's errors as the API's field errors (non-field errors have no field)."""
    return ValidationError(
        {
            ("non_field_errors" if name == "__all__" else name): [
                ErrorDetail(error["message"], error["code"] or "invalid") for error in errors
            ]
            for name, errors in form.errors.get_json_data().items()
        }
    )


def tracker_response(request, bundle: Bundle, *, status_code=200, replayed=False) -> Response:
    tracker = bundle_tracker(bundle=bundle)
    tracker.title_vi = BUNDLE_TITLES_VI[bundle.kind]
    tracker.title_en = BUNDLE_TITLES_EN[bundle.kind]
    tracker.documents = list(bundle.documents.all())
    body = BundleTrackerOutputSerializer(tracker, context={"request": request}).data
    headers = {}
    if status_code == status.HTTP_201_CREATED:
        headers["Location"] = body["url"]
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(body, status=status_code, headers=headers)


def visible_bundle(request, reference) -> Bundle:
    """Another person's bundle is answered exactly like a missing one: 404."""
    try:
        return bundle_for_user(user=request.user, reference=reference)
    except Bundle.DoesNotExist as exc:
        raise NotFound(_("No declaration with this reference that you may see.")) from exc


def _declaration_form(request, kind: str, data: dict, files: dict):
    """The page's form for this kind, set up for the user as the page sets it up."""
    user = request.user
    person = person_by_identifier(identifier=user.national_id) if user.national_id else None
    options = {
        "known": known_values(user),
        "initial_province": person.current_province_code if person else None,
    }
    if kind == BundleKind.DEATH:
        options["relatives"] = relatives_of(person=person) if person else []
    return FORMS[kind](data, files, **options)


def _same_request(bundle: Bundle, *, kind: str, declaration: dict, procedures: list[str]) -> bool:
    filed = {
        p.procedure for p in bundle.parts.all() if not part_spec(p.procedure).civil_registration
    }
    return bundle.kind == kind and bundle.declaration == declaration and filed == set(procedures)


# --- OpenAPI -------------------------------------------------------------------------

REFERENCE = OpenApiParameter(
    "reference",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="Mã tham chiếu của bộ hồ sơ liên thông / The bundle's reference.",
)
NO_BUNDLE = {
    (404, P): problem(
        "Không có bộ hồ sơ này hoặc không phải của bạn / No such bundle, or not yours to see.",
        problem_example(
            "Không tìm thấy / Not found",
            404,
            "not_found",
            "No declaration with this reference that you may see.",
        ),
    )
}
CITIZENS_ONLY = {
    (403, P): problem(
        "Chỉ công dân (người khai) được làm việc này, hoặc mã truy cập đối tác / Only the "
        "citizen who declared may do this, or a partner token was used.",
        problem_example(
            "Không được phép / Not allowed",
            403,
            "not_allowed",
            "You are not allowed to do this on this declaration.",
        ),
    )
}
_BIRTH = {
    "kind": "birth",
    "applicant_phone": "0912345678",
    "applicant_email": "an@example.vn",
    "relationship": "father",
    "child_full_name": "Nguyễn Minh Khôi",
    "child_date_of_birth": "2026-11-20",
    "child_gender": "male",
    "other_parent_full_name": "Trần Thị Hoa",
    "province": 1,
    "commune": 70,
    "street": "Số 12 Tràng Tiền",
    "want_residence": True,
    "want_hi_card": True,
    "facility": "01001",
    "return_method": "electronic",
}
BIRTH_REQUEST = OpenApiExample(
    "Khai sinh kèm thẻ BHYT / Birth with the HI card", value=_BIRTH, request_only=True
)
BIRTH_MULTIPART_REQUEST = OpenApiExample(
    "Khai sinh kèm giấy chứng sinh / Birth with the medical birth certificate",
    value={**_BIRTH, "medical_birth_certificate": "giay-chung-sinh.pdf"},
    description=(
        "Giấy tờ là các phần tệp của multipart, không phải tên tệp / Documents are multipart "
        "file parts, not file names."
    ),
    request_only=True,
    media_type="multipart/form-data",
)
DEATH_REQUEST = OpenApiExample(
    "Khai tử kèm trợ cấp mai táng / Death with the funeral allowance",
    value={
        "kind": "death",
        "applicant_phone": "0912345678",
        "relationship": "child",
        "deceased_full_name": "Nguyễn Văn Bình",
        "deceased_national_id": "001055000111",
        "deceased_si_code": "001055000111",
        "date_of_death": "2026-11-25",
        "province": 1,
        "commune": 70,
        "street": "Số 12 Tràng Tiền",
        "want_residence_removal": True,
        "want_funeral": True,
        "deceased_status": "pensioner",
        "payment_method": "bank",
        "bank_account": "0011223344556",
        "bank_name": "Vietcombank Hà Nội",
        "return_method": "electronic",
    },
    request_only=True,
)
_TRACKER = {
    "reference": "3b2f7a8e-1c4d-4e6f-9a0b-2c3d4e5f6a7b",
    "url": "https://portal.vss.gov.vn/api/v1/bundles/3b2f7a8e-1c4d-4e6f-9a0b-2c3d4e5f6a7b/",
    "kind": "birth",
    "kind_label": "Đăng ký khai sinh, đăng ký thường trú và cấp thẻ BHYT cho trẻ em",
    "title_vi": BUNDLE_TITLES_VI[BundleKind.BIRTH],
    "title_en": BUNDLE_TITLES_EN[BundleKind.BIRTH],
    "filed_at": "2026-11-24T09:00:00+07:00",
    "documents_due_at": "2026-12-03T09:00:00+07:00",
    "is_open": True,
    "parts": [
        {
            "procedure": "birth_registration",
            "procedure_label": "Đăng ký khai sinh",
            "name_vi": "Đăng ký khai sinh",
            "name_en": "Birth registration",
            "agency": "justice",
            "agency_label": "Hộ tịch (tư pháp)",
            "status": "completed",
            "status_label": "Đã hoàn thành",
            "is_open": False,
            "dossier": None,
            "target_at": None,
            "documents_due_at": None,
            "missing_documents": [],
            "agency_reference": "KS-2026-000123",
            "sent_at": "2026-11-24T09:00:05+07:00",
            "answered_at": "2026-11-24T10:12:00+07:00",
            "refusal_reason": "",
        },
        {
            "procedure": "hi_card_child",
            "procedure_label": "Cấp thẻ BHYT cho trẻ em dưới 6 tuổi",
            "name_vi": "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
            "name_en": "Health insurance card for a child under 6",
            "agency": "vss",
            "agency_label": "Bảo hiểm xã hội Việt Nam",
            "status": "filed",
            "status_label": "Đã nộp hồ sơ BHXH",
            "is_open": True,
            "dossier": {
                "reference": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                "code": "000.00.01.H26-261124-0001",
                "state": "submitted",
                "state_label": "Đã nộp",
                "url": "https://portal.vss.gov.vn/api/v1/dossiers/000.00.01.H26-261124-0001/",
            },
            "target_at": "2026-11-27T17:00:00+07:00",
            "documents_due_at": None,
            "missing_documents": [],
            "agency_reference": "",
            "sent_at": None,
            "answered_at": None,
            "refusal_reason": "",
        },
    ],
    "missing_documents": [],
    "documents": [
        {
            "kind": "medical_birth_certificate",
            "label": "Giấy chứng sinh",
            "file_name": "giay-chung-sinh.pdf",
            "content_type": "application/pdf",
            "size": 48213,
            "sha256": "9f2c…",
            "created_at": "2026-11-24T09:00:00+07:00",
        }
    ],
    "events": [
        {
            "kind": "filed",
            "label": "Đã nộp tờ khai",
            "procedure": None,
            "status": "",
            "created_at": "2026-11-24T09:00:00+07:00",
        }
    ],
    "hi_card": None,
}
TRACKER_EXAMPLE = OpenApiExample(
    "Khai sinh đang xử lý / A birth bundle in progress", value=_TRACKER, response_only=True
)


def _after_document() -> dict:
    """The tracker once the birth certificate, missing at filing, was added."""
    tracker = copy.deepcopy(_TRACKER)
    tracker["documents"][0]["created_at"] = "2026-11-25T14:00:00+07:00"
    tracker["events"].append(
        {
            "kind": "document_added",
            "label": "Đã thêm giấy tờ",
            "procedure": None,
            "status": "",
            "created_at": "2026-11-25T14:00:00+07:00",
        }
    )
    return tracker


DOCUMENT_REQUEST = OpenApiExample(
    "Giấy chứng sinh / Medical birth certificate",
    value={"kind": "medical_birth_certificate", "file": "giay-chung-sinh.pdf"},
    description="`file` là phần tệp của multipart / `file` is a multipart file part.",
    request_only=True,
    media_type="multipart/form-data",
)
AFTER_DOCUMENT_EXAMPLE = OpenApiExample(
    "Đã bổ sung giấy chứng sinh / Birth certificate added",
    value=_after_document(),
    response_only=True,
)
LIST_ITEM_EXAMPLE = OpenApiExample(
    "Khai sinh đang xử lý / A birth bundle in progress",
    value={
        "reference": _TRACKER["reference"],
        "url": _TRACKER["url"],
        "kind": "birth",
        "kind_label": _TRACKER["kind_label"],
        "filed_at": _TRACKER["filed_at"],
        "is_open": True,
        "parts": [
            {
                "procedure": part["procedure"],
                "procedure_label": part["procedure_label"],
                "agency": part["agency"],
                "status": part["status"],
                "status_label": part["status_label"],
            }
            for part in _TRACKER["parts"]
        ],
    },
    response_only=True,
)
FIELD_ERROR = {
    (400, P): problem(
        "Tờ khai không hợp lệ (`errors` theo từng trường, như trên trang khai), tệp bị từ chối "
        "hoặc Idempotency-Key sai / Invalid declaration (`errors` by field, with the filing "
        "page's messages), a refused file, or a malformed Idempotency-Key.",
        problem_example(
            "Trẻ trên 6 tuổi / Child too old",
            400,
            "validation_error",
            "The request has invalid fields.",
            errors=[
                {
                    "field": "child_date_of_birth",
                    "message": "The free HI card is for children under 6 years old.",
                    "code": "invalid",
                }
            ],
        ),
        problem_example(
            "Tệp bị từ chối / File refused",
            400,
            "upload_rejected",
            "The file was not accepted.",
            errors=[
                {
                    "field": "medical_birth_certificate",
                    "message": "This file type is not accepted.",
                    "code": "upload_rejected",
                }
            ],
        ),
    )
}


# --- collection ----------------------------------------------------------------------


class BundlePagination(PortalCursorPagination):
    ordering = ("-filed_at", "-id")
    page_size_query_description = "Số bộ hồ sơ mỗi trang (1-100) / Bundles per page (1-100)."


class BundleCollectionApi(BundleApiView, ListModelMixin, GenericAPIView):
    pagination_class = BundlePagination
    serializer_class = BundleListOutputSerializer
    parser_classes = [JSONParser, MultiPartParser]

    def get_queryset(self):
        return citizen_bundles(user=self.request.user)

    @extend_schema(
        operation_id="bundles_list",
        tags=TAGS,
        summary="Hồ sơ liên thông của tôi / My interconnected declarations",
        description=(
            "Các bộ hồ sơ liên thông (khai sinh, khai tử) bạn đã khai, mới nhất trước, phân "
            "trang theo con trỏ (`next`), kèm trạng thái từng thủ tục.\n\n"
            "The interconnected declarations (birth, death) you filed, newest first, with "
            f"each procedure's status. Cursor pagination (follow `next`). {SESSION_ONLY}"
        ),
        responses={
            200: OpenApiResponse(
                BundleListOutputSerializer(many=True),
                description="Một trang bộ hồ sơ / One page of bundles.",
                examples=[LIST_ITEM_EXAMPLE],
            ),
            **AUTH_PROBLEMS,
            (404, P): problem("Con trỏ không hợp lệ / Invalid cursor."),
        },
    )
    def get(self, request):
        return self.list(request)

    @extend_schema(
        operation_id="bundles_create",
        tags=TAGS,
        summary="Khai liên thông / File an interconnected declaration",
        description=(
            "Một tờ khai cho cả nhóm thủ tục liên thông (Nghị định 63/2024/NĐ-CP). `birth`: "
            "đăng ký khai sinh (luôn có), chọn thêm đăng ký thường trú (`want_residence`) và/"
            "hoặc thẻ BHYT cho trẻ dưới 6 tuổi (`want_hi_card`). `death`: đăng ký khai tử "
            "(luôn có), chọn thêm xóa thường trú, trợ cấp mai táng, trợ cấp tuất. Kiểm tra "
            "theo đúng quy tắc của trang khai; thông tin BHXH đã biết về bạn (họ tên, CCCD, "
            "ngày sinh) được lấy từ tài khoản. Giấy tờ gửi kèm bằng multipart/form-data, hoặc "
            "bổ sung sau trong 7 ngày làm việc. Mỗi thủ tục thành một phần trên trang theo "
            "dõi; phần BHXH thành hồ sơ BHXH. Hỗ trợ Idempotency-Key.\n\n"
            "One declaration for the whole group of interconnected procedures (Decree "
            "63/2024/ND-CP). `birth`: birth registration (always), plus permanent residence "
            "(`want_residence`) and/or the HI card for a child under 6 (`want_hi_card`). "
            "`death`: death registration (always), plus removal of residence, funeral "
            "allowance, survivor allowance. Checked by exactly the filing page's rules; what "
            "VSS knows about you (name, ID number, date of birth) comes from your account. "
            "Attach documents with multipart/form-data, or add them within 7 working days. "
            "Each procedure becomes a part on the tracker; VSS parts become VSS dossiers. "
            f"Honours Idempotency-Key. {SESSION_ONLY}"
        ),
        request={
            "application/json": BundleCreateInputSerializer,
            "multipart/form-data": BundleCreateMultipartInputSerializer,
        },
        parameters=[IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED_HEADER, LOCATION_HEADER],
        examples=[BIRTH_REQUEST, DEATH_REQUEST, BIRTH_MULTIPART_REQUEST],
        responses={
            201: OpenApiResponse(
                BundleTrackerOutputSerializer,
                description="Bộ hồ sơ đã khai và các phần / The filed bundle and its parts.",
                examples=[TRACKER_EXAMPLE],
            ),
            **FIELD_ERROR,
            **AUTH_PROBLEMS,
            **CITIZENS_ONLY,
            **UNSUPPORTED_MEDIA,
            (409, P): problem("Không xử lý được tờ khai / The declaration could not be processed."),
            (422, P): problem(
                "Idempotency-Key đã dùng cho tờ khai khác / The Idempotency-Key was used for a "
                "different declaration."
            ),
        },
    )
    def post(self, request):
        if not request.user.is_citizen:
            raise PermissionDenied(BundleNotAllowed.message)
        key = idempotency_key(request)
        multipart = request.content_type.startswith("multipart/")
        serializer_class = (
            BundleCreateMultipartInputSerializer if multipart else BundleCreateInputSerializer
        )
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        kind = data.pop("kind")
        files = {name: data.pop(name) for name in DOCUMENT_FIELDS if data.get(name)}
        form = _declaration_form(request, kind, data, files)
        if not form.is_valid():
            raise form_errors(form)
        declaration, procedures = form.declaration(), form.procedures()
        # Keys are the client's: namespaced by user so that two clients never collide.
        submission_key = (
            hashlib.sha256(f"api-bundle:{request.user.pk}:{key}".encode()).hexdigest()
            if key
            else None
        )
        if submission_key:
            earlier = citizen_bundles(user=request.user).filter(submission_key=submission_key)
            earlier = earlier.first()
            if earlier is not None:
                if not _same_request(
                    earlier, kind=kind, declaration=declaration, procedures=procedures
                ):
                    raise key_reused()
                return tracker_response(
                    request, earlier, status_code=status.HTTP_201_CREATED, replayed=True
                )
        bundle = bundle_file(
            kind=kind,
            applicant=request.user,
            declaration=declaration,
            procedures=procedures,
            uploads=[Upload(kind=k, file=f) for k, _field, f in form.uploads()],
            submission_key=submission_key,
        )
        return tracker_response(request, bundle, status_code=status.HTTP_201_CREATED)


# --- one bundle ----------------------------------------------------------------------


class BundleDetailApi(BundleApiView):
    @extend_schema(
        operation_id="bundles_retrieve",
        tags=TAGS,
        summary="Theo dõi hồ sơ liên thông / Track an interconnected declaration",
        description=(
            "Trang theo dõi của một bộ hồ sơ: từng thủ tục với cơ quan, trạng thái, mã hồ sơ "
            "BHXH khi đã có, thời hạn dự kiến, giấy tờ còn thiếu; giấy tờ đã nộp; lịch sử; "
            "thẻ BHYT của trẻ khi đã cấp. Bộ hồ sơ của người khác trả 404.\n\n"
            "The one tracker of a bundle: each procedure with its agency, status, the VSS "
            "dossier code once there is one, target dates and missing documents; the "
            "documents given; the history; the child's HI card once issued. Another "
            f"person's bundle is a 404. {SESSION_ONLY}"
        ),
        parameters=[REFERENCE],
        responses={
            200: OpenApiResponse(
                BundleTrackerOutputSerializer,
                description="Bộ hồ sơ / The bundle.",
                examples=[TRACKER_EXAMPLE],
            ),
            **AUTH_PROBLEMS,
            **NO_BUNDLE,
        },
    )
    def get(self, request, reference):
        return tracker_response(request, visible_bundle(request, reference))


class BundleDocumentApi(BundleApiView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="bundles_documents_create",
        tags=TAGS,
        summary="Bổ sung giấy tờ / Add a missing document",
        description=(
            "Người khai bổ sung một giấy tờ còn thiếu (`missing_documents` của bộ hồ sơ) "
            "trong 7 ngày làm việc; các thủ tục đang chờ giấy tờ đó được tiếp tục. Tệp được "
            "kiểm tra theo nội dung. Gửi giấy tờ không còn thiếu trả 400 (trường `kind`); gửi "
            "lại cùng Idempotency-Key trả về bộ hồ sơ như lần đầu.\n\n"
            "The declarant adds one missing document (one of the bundle's "
            "`missing_documents`) within 7 working days; the procedures waiting for it move "
            "on. Files are checked by content. Sending a document that is no longer missing "
            "is a 400 (on `kind`); a retry with the same Idempotency-Key returns the bundle again. "
            f"{SESSION_ONLY}"
        ),
        request={"multipart/form-data": BundleDocumentInputSerializer},
        parameters=[REFERENCE, IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED_HEADER],
        examples=[DOCUMENT_REQUEST],
        responses={
            201: OpenApiResponse(
                BundleTrackerOutputSerializer,
                description="Bộ hồ sơ sau khi bổ sung / The bundle after the addition.",
                examples=[AFTER_DOCUMENT_EXAMPLE],
            ),
            (400, P): problem(
                "Giấy tờ không còn thiếu, hoặc tệp bị từ chối / Not a missing document, or "
                "the file was refused.",
                problem_example(
                    "Không còn thiếu / Not missing",
                    400,
                    "validation_error",
                    "The request has invalid fields.",
                    errors=[
                        {
                            "field": "kind",
                            "message": "Select a valid choice. death_notice is not one of the "
                            "available choices.",
                            "code": "invalid_choice",
                        }
                    ],
                ),
            ),
            **AUTH_PROBLEMS,
            **CITIZENS_ONLY,
            **NO_BUNDLE,
            (409, P): problem(
                "Bộ hồ sơ không còn nhận giấy tờ / The declaration no longer accepts documents.",
                problem_example(
                    "Đã đóng / Closed",
                    409,
                    "bundle_error",
                    "This declaration no longer accepts documents.",
                ),
            ),
            **UNSUPPORTED_MEDIA,
        },
    )
    def post(self, request, reference):
        bundle = visible_bundle(request, reference)
        if request.user.pk != bundle.applicant_id:
            raise PermissionDenied(BundleNotAllowed.message)
        serializer = BundleDocumentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kind, uploaded = serializer.validated_data["kind"], serializer.validated_data["file"]

        def create() -> BundleDocument:
            form = BundleDocumentForm(
                {"kind": kind},
                {"file": uploaded},
                missing=bundle_tracker(bundle=bundle).missing_documents,
            )
            if not form.is_valid():
                raise form_errors(form)
            return bundle_document_add(
                bundle=bundle,
                kind=form.cleaned_data["kind"],
                uploaded=form.cleaned_data["file"],
                actor=request.user,
            )

        _document, replayed = run_idempotent_resource(
            request=request,
            request_fingerprint=fingerprint(request, bundle.pk, kind, upload_sha256(uploaded)),
            resource_type="bundle_document",
            create=create,
            load=lambda pk: BundleDocument.objects.filter(bundle=bundle, pk=pk).first(),
        )
        return tracker_response(
            request, bundle, status_code=status.HTTP_201_CREATED, replayed=replayed
        )

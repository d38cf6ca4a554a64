"""Dossier API: filing (drafts, fields, documents, submission), reading, timeline.

One view per operation where the URL allows it; list and create share the collection URL.
Writes go through `dossiers.services` (and `partners.services` for partner filings); the
views check input, pick the dossier the client may see, and shape the answer.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
)
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.response import Response

from accounts.constants import Role
from core.api_access import Scope, request_token
from core.parsers import MultiPartParser
from procedures.models import DocumentComponent, Procedure
from procedures.selectors import NoVersionInForce, version_in_force

from .. import providers
from ..constants import Channel, DossierState
from ..exceptions import DossierConflict
from ..models import Dossier, DossierDocument
from ..prefill import known_values
from ..selectors import first_of_each_branch, office_scope_branches
from ..services import (
    available_actions,
    can_edit_draft,
    dossier_document_add,
    dossier_draft_create,
    dossier_draft_rebind,
    dossier_draft_save,
    dossier_missing_items,
    dossier_submit,
    dossier_timeliness,
)
from ..uploads import UPLOAD_KINDS
from . import examples
from .common import (
    ACCESS_REASON_PARAMETER,
    AUTH_PROBLEMS,
    BAD_REQUEST,
    CONFLICT,
    DOSSIER_KEY,
    ETAG_HEADER,
    IDEMPOTENCY_KEY,
    IDEMPOTENT_REPLAYED_HEADER,
    LOCATION_HEADER,
    NOT_ALLOWED_OR_INCOMPLETE,
    NOT_FOUND,
    OPENING_PROBLEMS,
    SCOPE_NOTE,
    STALE,
    UNSUPPORTED_MEDIA,
    ApiView,
    PortalCursorPagination,
    dossiers_for,
    etag_for,
    get_dossier,
    if_match_parameter,
    if_match_revision,
    is_applicant_side,
    problem,
    stale_version_problem,
)
from .fields import clean_field_values
from .idempotency import (
    fingerprint,
    idempotency_key,
    key_reused,
    run_idempotent,
    upload_sha256,
)
from .serializers import (
    DocumentOutputSerializer,
    DocumentUploadInputSerializer,
    DossierCreateInputSerializer,
    DossierDetailOutputSerializer,
    DossierListInputSerializer,
    DossierListOutputSerializer,
    DossierUpdateInputSerializer,
    TimelineEventOutputSerializer,
)

TAGS = ["dossiers"]
READ = (Scope.DOSSIERS_READ,)
WRITE = (Scope.DOSSIERS_WRITE,)
DECISION_SHOWN_TO_APPLICANTS_IN = frozenset({DossierState.PROCESSED, DossierState.RETURNED})


# --- shaping the answer --------------------------------------------------------------


def detail_response(request, dossier: Dossier, *, status_code=200, replayed=False) -> Response:
    """The dossier as this client may see it, with its ETag."""
    dossier = get_dossier(request, str(dossier.reference), detail=True, opened=False)
    applicant_side = is_applicant_side(request)
    dossier.missing_items = dossier_missing_items(dossier) if dossier.is_draft else []
    dossier.missing = [item.as_dict() for item in dossier.missing_items]
    dossier.current_timeliness = dossier_timeliness(dossier)
    dossier.available_actions = [
        {
            "name": action.name,
            "label": str(action.label),
            "needs_reason": action.needs_reason,
            "url": url,
        }
        for action in available_actions(request.user, dossier)
        if (url := _action_url(request, dossier, action.name))
    ]
    body = DossierDetailOutputSerializer(dossier, context={"request": request}).data
    if applicant_side and dossier.state not in DECISION_SHOWN_TO_APPLICANTS_IN:
        body["outcome"], body["decision_text"], body["decision_number"] = "", "", ""
    headers = {"ETag": etag_for(dossier)}
    if status_code == status.HTTP_201_CREATED:
        headers["Location"] = body["url"]
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(body, status=status_code, headers=headers)


def _action_url(request, dossier: Dossier, name: str) -> str | None:
    try:
        path = reverse(f"dossiers_api:action_{name}", args=[dossier.code or dossier.reference])
    except NoReverseMatch:  # a workflow action the API does not offer (yet): not listed
        return None
    return request.build_absolute_uri(path)


def procedure_for_filing(slug: str) -> Procedure:
    procedure = Procedure.objects.filter(slug=slug, is_published=True).first()
    if procedure is None:
        raise ValidationError(
            {"procedure": [_("No published procedure has this slug.")]}, code="not_found"
        )
    return procedure


def _known(request) -> dict[str, str]:
    return known_values(request.user) if request_token(request) is None else {}


def _can_file(request) -> bool:
    return request_token(request) is not None or request.user.role == Role.CITIZEN


# --- collection ----------------------------------------------------------------------


class DossierPagination(PortalCursorPagination):
    ordering = ("-created_at", "-id")
    page_size_query_description = "Số hồ sơ mỗi trang (1-100) / Dossiers per page (1-100)."

    def paginate_queryset(self, queryset, request, view=None):
        """An officer's scope is an OR of two offices: first narrow it to what each branch
        could put on this page (`first_of_each_branch`), then paginate as usual."""
        branches = office_scope_branches(request.user) if request_token(request) is None else []
        self.count_if_asked(queryset, request)  # the whole scope, before it is narrowed
        if branches:
            queryset = self._narrowed(queryset, branches, request, view)
        return super().paginate_queryset(queryset, request, view)

    def _narrowed(self, queryset, branches, request, view):
        # The same ordering, cursor condition and extent as CursorPagination.paginate_queryset.
        ordering = self.get_ordering(request, queryset, view)
        cursor = self.decode_cursor(request)
        offset, reverse, position = cursor if cursor is not None else (0, False, None)
        if reverse:
            ordering = [f[1:] if f.startswith("-") else f"-{f}" for f in ordering]
        if position is not None:
            first = self.ordering[0]
            lookup = "lt" if reverse != first.startswith("-") else "gt"
            queryset = queryset.filter(**{f"{first.lstrip('-')}__{lookup}": position})
        limit = offset + self.get_page_size(request) + 1
        return first_of_each_branch(queryset, branches, ordering=ordering, limit=limit)


class DossierCollectionApi(ApiView, ListModelMixin, GenericAPIView):
    pagination_class = DossierPagination
    serializer_class = DossierListOutputSerializer
    required_scopes = {"GET": READ, "POST": WRITE}

    @extend_schema(
        operation_id="dossiers_list",
        tags=TAGS,
        summary="Danh sách hồ sơ / List dossiers",
        description=(
            "Công dân: hồ sơ của mình. Hệ thống đối tác: chỉ hồ sơ do mình nộp. Cán bộ: hồ sơ "
            "của cơ quan mình. Phân trang theo con trỏ (`next`), mới nhất trước.\n\n"
            "Citizens: their own dossiers. Partner systems: only the dossiers they filed. "
            "Officers: their office's dossiers. Cursor pagination (follow `next`), newest "
            f"first. {SCOPE_NOTE['read']}"
        ),
        parameters=[DossierListInputSerializer],
        responses={
            200: OpenApiResponse(
                DossierListOutputSerializer(many=True),
                description="Một trang hồ sơ / One page of dossiers.",
                examples=[examples.DOSSIER_LIST_ITEM],
            ),
            **BAD_REQUEST,
            **AUTH_PROBLEMS,
            **{key: problem("Con trỏ không hợp lệ / Invalid cursor.") for key in NOT_FOUND},
        },
    )
    def get(self, request):
        return self.list(request)

    def get_queryset(self):
        params = DossierListInputSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        queryset = dossiers_for(self.request).select_related("procedure")
        if "state" in filters:
            queryset = queryset.filter(state=filters["state"])
        if "procedure" in filters:
            queryset = queryset.filter(procedure__slug=filters["procedure"])
        if "created_after" in filters:
            queryset = queryset.filter(created_at__gte=filters["created_after"])
        if "created_before" in filters:
            queryset = queryset.filter(created_at__lt=filters["created_before"])
        return queryset

    @extend_schema(
        operation_id="dossiers_create",
        tags=TAGS,
        summary="Tạo hồ sơ nháp / Start a draft dossier",
        description=(
            "Tạo bản nháp theo phiên bản thủ tục đang có hiệu lực, có thể kèm giá trị các "
            "trường. Công dân nộp cho chính mình; hệ thống đối tác nộp thay người lao động "
            "(ghi nhận là hồ sơ do đối tác nộp). Công dân có thể nộp thay (`principal`) cho "
            "con có trong cơ sở dữ liệu hoặc cho người lớn ủy quyền, như trên trang nộp hồ sơ. "
            "Hỗ trợ Idempotency-Key.\n\n"
            "Starts a draft under the procedure version in force today, optionally with field "
            "values. Citizens file for themselves, or for another person (`principal`): a "
            "child of theirs in the registry, or an adult who authorised them in a letter "
            "(checked at reception), as on the filing page. Partner systems file on behalf of "
            "the person concerned (the dossier is recorded as filed by the partner). Honours "
            f"Idempotency-Key. {SCOPE_NOTE['write']}"
        ),
        request=DossierCreateInputSerializer,
        parameters=[IDEMPOTENCY_KEY, ETAG_HEADER, IDEMPOTENT_REPLAYED_HEADER, LOCATION_HEADER],
        examples=[
            examples.CREATE_REQUEST,
            examples.CREATE_FOR_CHILD_REQUEST,
            examples.CREATE_WITH_AUTHORISATION_REQUEST,
        ],
        responses={
            201: OpenApiResponse(
                DossierDetailOutputSerializer,
                description="Bản nháp đã tạo / The draft, with its ETag.",
                examples=[examples.DOSSIER_DETAIL],
            ),
            **BAD_REQUEST,
            **AUTH_PROBLEMS,
            **CONFLICT,
            **UNSUPPORTED_MEDIA,
            **NOT_ALLOWED_OR_INCOMPLETE,
        },
    )
    def post(self, request):
        if not _can_file(request):
            raise PermissionDenied(_("Only applicants file dossiers here."))
        serializer = DossierCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        procedure = procedure_for_filing(data["procedure"])
        try:
            version = version_in_force(procedure=procedure)
        except NoVersionInForce as exc:
            raise ValidationError(
                {"procedure": [_("This procedure is not open for filing today.")]}
            ) from exc
        values = clean_field_values(
            version=version, values=data.get("data", {}), known=_known(request)
        )
        token = request_token(request)
        if token is not None and data.get("principal"):
            raise ValidationError(
                {"principal": [_("Partner systems file on behalf of people already.")]}
            )

        def create():
            if token is not None:
                dossier = providers.token_draft_create(
                    token=token,
                    procedure=procedure,
                    values=values,
                    province_code=data.get("province_code"),
                    address=data.get("address"),
                    external_id=data.get("external_id", ""),
                )
                return dossier, None
            principal, letter = _principal(request, data.get("principal"))
            with transaction.atomic():
                dossier = dossier_draft_create(
                    procedure=procedure,
                    actor=request.user,
                    channel=Channel.ONLINE,
                    applicant=request.user,
                    principal=principal,
                    authorisation_letter=letter,
                )
                if values or "province_code" in data or "address" in data:
                    dossier = dossier_draft_save(
                        dossier=dossier,
                        actor=request.user,
                        values=values,
                        next_step=dossier.draft_step,
                        province_code=data.get("province_code"),
                        address=data.get("address"),
                    )
            return dossier, None

        dossier, _other, replayed = run_idempotent(
            request=request, request_fingerprint=fingerprint(request, request.data), create=create
        )
        return detail_response(
            request, dossier, status_code=status.HTTP_201_CREATED, replayed=replayed
        )


def _principal(request, principal: dict | None):
    """The page's representation, from the API's `principal` object (same service)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..constants import Representation
    from ..services.representation import Principal, guardian_principal

    if not principal:
        return None, None
    if principal["kind"] == Representation.GUARDIAN:
        return guardian_principal(filer=request.user, national_id=principal["national_id"]), None
    letter = principal["authorisation_letter"]
    return (
        Principal(
            kind=Representation.AUTHORISATION,
            national_id=principal["national_id"],
            full_name=principal["full_name"].strip(),
            scope=principal["scope"].strip(),
        ),
        SimpleUploadedFile(letter["name"], letter["content"]),
    )


# --- one dossier ---------------------------------------------------------------------


class DossierDetailApi(ApiView):
    required_scopes = {"GET": READ, "PATCH": WRITE}

    @extend_schema(
        operation_id="dossiers_retrieve",
        tags=TAGS,
        summary="Chi tiết hồ sơ / Dossier detail",
        description=(
            "Hồ sơ, thành phần đã nộp, những gì còn thiếu (bản nháp) và các thao tác được "
            "phép. Header ETag là phiên bản để gửi lại trong If-Match.\n\n"
            "The dossier, its documents, what is still missing (drafts) and the actions you "
            "may take. The ETag header is the version to send back in If-Match. "
            f"{SCOPE_NOTE['read']}"
        ),
        parameters=[DOSSIER_KEY, ACCESS_REASON_PARAMETER, ETAG_HEADER],
        responses={
            200: OpenApiResponse(
                DossierDetailOutputSerializer,
                description="Hồ sơ / The dossier.",
                examples=[examples.DOSSIER_DETAIL],
            ),
            **OPENING_PROBLEMS,
            **NOT_FOUND,
        },
    )
    def get(self, request, code: str):
        return detail_response(request, get_dossier(request, code))

    @extend_schema(
        operation_id="dossiers_partial_update",
        tags=TAGS,
        summary="Cập nhật bản nháp / Update a draft's fields",
        description=(
            "Lưu giá trị các trường của bản nháp (chỉ các trường gửi lên). Bắt buộc If-Match "
            "với ETag đã đọc: thiếu thì 428, cũ thì 412.\n\n"
            "Saves field values of a draft (only the fields sent). If-Match with the ETag you "
            "read is required: 428 without it, 412 when it is stale. "
            f"{SCOPE_NOTE['write']}"
        ),
        request=DossierUpdateInputSerializer,
        parameters=[DOSSIER_KEY, if_match_parameter(required=True), ETAG_HEADER],
        examples=[examples.UPDATE_REQUEST],
        responses={
            200: OpenApiResponse(
                DossierDetailOutputSerializer,
                description="Hồ sơ đã lưu / The saved draft.",
                examples=[examples.DRAFT_DETAIL],
            ),
            **BAD_REQUEST,
            **AUTH_PROBLEMS,
            **NOT_FOUND,
            **STALE,
            **UNSUPPORTED_MEDIA,
            (428, "application/problem+json"): problem("Thiếu If-Match / If-Match is required."),
        },
    )
    def patch(self, request, code: str):
        dossier = get_dossier(request, code)
        serializer = DossierUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        revision = if_match_revision(request, dossier, required=True)
        data = serializer.validated_data
        values = clean_field_values(
            version=dossier.version,
            values=data.get("data", {}),
            known=_known(request),
            stored=dossier.data,
        )
        try:
            dossier = dossier_draft_save(
                dossier=dossier,
                actor=request.user,
                values=values,
                next_step=dossier.draft_step,
                revision=revision,
                province_code=data.get("province_code"),
                address=data.get("address"),
            )
        except DossierConflict as exc:
            raise stale_version_problem() from exc
        return detail_response(request, dossier)


class DossierDocumentUploadApi(ApiView):
    parser_classes = [MultiPartParser]
    required_scopes = WRITE

    @extend_schema(
        operation_id="dossiers_documents_create",
        tags=TAGS,
        summary="Tải lên giấy tờ / Upload a document",
        description=(
            "Thêm một tệp cho một thành phần hồ sơ: với bản nháp, hoặc khi được yêu cầu bổ "
            "sung. Tệp được kiểm tra theo nội dung (PDF có JavaScript hay mật khẩu bị từ "
            "chối). Hỗ trợ Idempotency-Key.\n\n"
            "Adds one file for a document component: to a draft, or while a supplement is "
            "requested. Files are checked by content (PDFs with JavaScript or a password are "
            f"refused). Honours Idempotency-Key. {SCOPE_NOTE['write']}"
        ),
        request={"multipart/form-data": DocumentUploadInputSerializer},
        parameters=[DOSSIER_KEY, IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED_HEADER],
        examples=[examples.DOCUMENT_UPLOAD_REQUEST],
        responses={
            201: OpenApiResponse(
                DocumentOutputSerializer,
                description="Tệp đã nhận / The stored document.",
                examples=[examples.DOCUMENT],
            ),
            **BAD_REQUEST,
            **AUTH_PROBLEMS,
            **NOT_FOUND,
            **CONFLICT,
            **UNSUPPORTED_MEDIA,
            **NOT_ALLOWED_OR_INCOMPLETE,
        },
    )
    def post(self, request, code: str):
        dossier = get_dossier(request, code)
        serializer = DocumentUploadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if can_edit_draft(request.user, dossier):
            # A newer version in force since the draft was opened: its documents apply.
            dossier = dossier_draft_rebind(dossier=dossier, actor=request.user)
        component = DocumentComponent.objects.filter(
            version_id=dossier.version_id, code=serializer.validated_data["component"]
        ).first()
        if component is None:
            raise ValidationError(
                {"component": [_("The dossier's procedure has no such document.")]}
            )
        if not set(component.file_types or []) <= UPLOAD_KINDS.keys():
            raise ValidationError(
                {"component": [_("This document cannot be uploaded online yet.")]},
                code="not_uploadable",
            )
        uploaded = serializer.validated_data["file"]
        digest = upload_sha256(uploaded)

        def create():
            document = dossier_document_add(
                dossier=dossier, component=component, uploaded=uploaded, actor=request.user
            )
            return dossier, document

        _dossier, document, replayed = run_idempotent(
            request=request,
            request_fingerprint=fingerprint(request, dossier.pk, component.pk, digest),
            create=create,
        )
        if replayed:
            document = (
                DossierDocument.objects.filter(dossier=dossier, component=component, sha256=digest)
                .order_by("-created_at")
                .first()
            )
            if document is None:
                raise NotFound(_("The document uploaded with this key was removed since."))
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        body = DocumentOutputSerializer(document).data
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


class DossierSubmitApi(ApiView):
    required_scopes = WRITE

    @extend_schema(
        operation_id="dossiers_submit",
        tags=TAGS,
        summary="Nộp hồ sơ / Submit a draft",
        description=(
            "Nộp bản nháp đã đủ thành phần; hồ sơ nhận mã và thời hạn trả kết quả. Nộp lại "
            "(cùng Idempotency-Key, hoặc hồ sơ đã nộp) trả về cùng hồ sơ. Thiếu thành phần thì "
            "422 với danh sách còn thiếu.\n\n"
            "Submits a complete draft: the dossier gets its code and appointed return time. "
            "Repeating it (same Idempotency-Key, or an already submitted dossier) returns the "
            "same dossier. An incomplete draft is answered with 422 listing what is missing. "
            f"{SCOPE_NOTE['write']}"
        ),
        request=None,
        parameters=[
            DOSSIER_KEY,
            IDEMPOTENCY_KEY,
            if_match_parameter(required=False),
            ETAG_HEADER,
            IDEMPOTENT_REPLAYED_HEADER,
        ],
        responses={
            200: OpenApiResponse(
                DossierDetailOutputSerializer,
                description="Hồ sơ đã nộp / The submitted dossier.",
                examples=[examples.DOSSIER_DETAIL],
            ),
            **AUTH_PROBLEMS,
            **NOT_FOUND,
            **STALE,
            **NOT_ALLOWED_OR_INCOMPLETE,
            (400, "application/problem+json"): problem(
                "Idempotency-Key không hợp lệ / Invalid Idempotency-Key."
            ),
        },
    )
    def post(self, request, code: str):
        dossier = get_dossier(request, code)
        key = idempotency_key(request)
        # Keys are the client's: namespaced by user so that two clients never collide.
        submission_key = (
            hashlib.sha256(f"api:{request.user.pk}:{key}".encode()).hexdigest() if key else None
        )
        if submission_key:
            earlier = Dossier.objects.filter(submission_key=submission_key).first()
            if earlier is not None:
                if earlier.pk != dossier.pk:
                    raise key_reused()
                return detail_response(request, earlier, replayed=True)
        # The service compares no revision on submission: a stale If-Match is refused here.
        if_match_revision(request, dossier, required=False)
        submitted = dossier_submit(
            dossier=dossier, actor=request.user, submission_key=submission_key
        )
        return detail_response(request, submitted)


class DossierTimelineApi(ApiView):
    required_scopes = READ

    @extend_schema(
        operation_id="dossiers_timeline",
        tags=TAGS,
        summary="Quá trình xử lý / Dossier timeline",
        description=(
            "Các sự kiện của hồ sơ theo thời gian. Người nộp và đối tác thấy các sự kiện công "
            "khai với người nộp; cán bộ thấy toàn bộ.\n\n"
            "The dossier's events in order. Applicants and partner systems see the events "
            f"shown to applicants; officers see all of them. {SCOPE_NOTE['read']}"
        ),
        parameters=[DOSSIER_KEY, ACCESS_REASON_PARAMETER],
        responses={
            200: OpenApiResponse(
                TimelineEventOutputSerializer(many=True),
                description="Các sự kiện / The events.",
                examples=examples.TIMELINE,
            ),
            **OPENING_PROBLEMS,
            **NOT_FOUND,
        },
    )
    def get(self, request, code: str):
        dossier = get_dossier(request, code)
        events = dossier.trail().select_related("office").order_by("created_at", "id")
        if is_applicant_side(request):
            events = events.filter(citizen_visible=True)
        return Response(TimelineEventOutputSerializer(events, many=True).data)

"""Employer batch filing: many dossiers in one request, checked and filed item by item.

Partner-only, so it lives with the partners; its URLs stay under the dossier API's
namespace (`dossiers_api:batches`, see vss_portal/api_urls.py).
"""

from __future__ import annotations

import base64
import binascii

from django.core.files.base import ContentFile
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import problem_field_errors
from core.api_access import HasScope, Scope, request_token
from dossiers.api import examples
from dossiers.api.common import (
    AUTH_PROBLEMS,
    BAD_REQUEST,
    IDEMPOTENCY_KEY,
    IDEMPOTENT_REPLAYED_HEADER,
    LOCATION_HEADER,
    UNSUPPORTED_MEDIA,
    ApiView,
    problem,
)
from dossiers.api.fields import clean_field_values
from dossiers.api.idempotency import fingerprint, idempotency_key
from dossiers.api.views import procedure_for_filing
from dossiers.uploads import UPLOAD_KINDS
from procedures.models import DocumentComponent
from procedures.selectors import NoVersionInForce, version_in_force

from ..constants import PartnerKind
from ..models import PartnerBatch
from ..permissions import PartnerOnly
from ..selectors import partner_batch
from ..services import BatchDocument, BatchItem, partner_batch_file
from .batch_serializers import (
    BatchCreateInputSerializer,
    BatchEnvelopeSerializer,
    BatchItemInputSerializer,
    BatchOutputSerializer,
)

TAGS = ["batch filing"]
EMPLOYER_NOTE = (
    "Chỉ mã truy cập của đơn vị sử dụng lao động có phạm vi `batch_filing` / Employer tokens "
    "with scope `batch_filing` only."
)


def _decode(document: dict, position: int, components: dict[str, DocumentComponent]):
    """A batch document as a file, or the errors that keep it out."""
    prefix = f"documents[{position}]"
    component = components.get(document["component"])
    if component is None:
        return None, [
            {
                "field": f"{prefix}.component",
                "message": _("The dossier's procedure has no such document."),
                "code": "invalid",
            }
        ]
    if not set(component.file_types or []) <= UPLOAD_KINDS.keys():
        return None, [
            {
                "field": f"{prefix}.component",
                "message": _("This document cannot be uploaded online yet."),
                "code": "not_uploadable",
            }
        ]
    try:
        content = base64.b64decode(document["content"], validate=True)
    except (binascii.Error, ValueError):
        return None, [
            {
                "field": f"{prefix}.content",
                "message": _("The content is not valid base64."),
                "code": "invalid",
            }
        ]
    return BatchDocument(component=component, file=ContentFile(content, document["file_name"])), []


def _item(index: int, raw, version, components) -> BatchItem:
    """Check one item on its own: its errors reject it, never its neighbours."""
    serializer = BatchItemInputSerializer(data=raw)
    if not serializer.is_valid():
        return BatchItem(index=index, errors=problem_field_errors(serializer.errors))
    data = serializer.validated_data
    item = BatchItem(
        index=index,
        external_id=data.get("external_id", ""),
        province_code=data.get("province_code"),
        address=data.get("address"),
    )
    try:
        item.values = clean_field_values(version=version, values=data["data"], known={})
    except ValidationError as exc:
        item.errors = problem_field_errors(exc.detail)
    for position, document in enumerate(data.get("documents", [])):
        decoded, errors = _decode(document, position, components)
        if decoded is not None:
            item.documents.append(decoded)
        item.errors.extend(errors)
    return item


class BatchCreateApi(ApiView):
    permission_classes = [IsAuthenticated, PartnerOnly, HasScope]
    partner_kinds = (PartnerKind.EMPLOYER,)
    required_scopes = (Scope.BATCH_FILING, Scope.DOSSIERS_WRITE)

    @extend_schema(
        operation_id="batches_create",
        tags=TAGS,
        summary="Nộp hồ sơ theo lô / File dossiers in a batch",
        description=(
            "Đơn vị sử dụng lao động nộp nhiều hồ sơ (vd. danh sách ốm đau 500 người lao động) "
            "trong một yêu cầu, tối đa 500 mục. Mỗi mục được kiểm tra và nộp riêng: mục lỗi "
            "bị từ chối kèm lỗi từng trường mà không ảnh hưởng mục khác; mục đủ thành phần "
            "được nộp; mục thiếu giấy tờ được lưu nháp kèm danh sách còn thiếu. Giấy tờ gửi "
            "kèm dạng base64 (tùy chọn). Nên gửi Idempotency-Key: gửi lại trả về cùng kết quả."
            "\n\nAn employer files many dossiers (e.g. a sickness list for 500 employees) in "
            "one request, at most 500 items. Each item is checked and filed on its own: an "
            "invalid item is rejected with its field errors without affecting the others; a "
            "complete item is submitted; one still missing documents is kept as a draft with "
            "the list of what is missing. Documents may be attached base64-encoded. Send an "
            "Idempotency-Key: repeating the request returns the same result. "
            f"{EMPLOYER_NOTE} and `dossiers_write`."
        ),
        request=BatchCreateInputSerializer,
        parameters=[IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED_HEADER, LOCATION_HEADER],
        examples=[examples.BATCH_REQUEST],
        responses={
            201: OpenApiResponse(
                BatchOutputSerializer,
                description=(
                    "Kết quả từng mục (có thể một phần thất bại) / The result of every item "
                    "(some may have failed)."
                ),
                examples=[examples.BATCH_RESULT],
            ),
            **BAD_REQUEST,
            **AUTH_PROBLEMS,
            **UNSUPPORTED_MEDIA,
            (409, "application/problem+json"): problem(
                "Lô cùng Idempotency-Key đang được xử lý / A batch with this key is still "
                "being filed."
            ),
            (422, "application/problem+json"): problem(
                "Idempotency-Key đã dùng cho yêu cầu khác, hoặc thủ tục không nộp được theo "
                "lô / The key was used for a different request, or the procedure cannot be "
                "filed this way."
            ),
        },
    )
    def post(self, request):
        key = idempotency_key(request)
        envelope = BatchEnvelopeSerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        procedure = procedure_for_filing(envelope.validated_data["procedure"])
        try:
            version = version_in_force(procedure=procedure)
        except NoVersionInForce as exc:
            raise ValidationError(
                {"procedure": [_("This procedure is not open for filing today.")]}
            ) from exc
        # Read once, here: the filing service and its bulk path reuse them.
        prefetch_related_objects([version], "components")
        components = {c.code: c for c in version.components.all()}
        items = [
            _item(index, raw, version, components)
            for index, raw in enumerate(envelope.validated_data["items"])
        ]
        batch, replayed = partner_batch_file(
            token=request_token(request),
            procedure=procedure,
            submit=envelope.validated_data["submit"],
            items=items,
            idempotency_key=key,
            request_fingerprint=fingerprint(request, request.data),
            version=version,
        )
        headers = {"Location": _batch_url(request, batch)}
        if replayed:
            headers["Idempotent-Replayed"] = "true"
        body = BatchOutputSerializer(batch, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


def _batch_url(request, batch: PartnerBatch) -> str:
    return request.build_absolute_uri(reverse("dossiers_api:batch_detail", args=[batch.reference]))


class BatchDetailApi(ApiView):
    permission_classes = [IsAuthenticated, PartnerOnly, HasScope]
    partner_kinds = (PartnerKind.EMPLOYER,)
    required_scopes = (Scope.BATCH_FILING,)

    @extend_schema(
        operation_id="batches_retrieve",
        tags=TAGS,
        summary="Kết quả nộp theo lô / A batch's result",
        description=(
            "Kết quả từng mục của một lô đã nộp (chỉ lô của chính đơn vị).\n\n"
            f"The per-item result of a batch you filed (your own batches only). {EMPLOYER_NOTE}"
        ),
        parameters=[
            OpenApiParameter(
                "reference",
                OpenApiTypes.UUID,
                OpenApiParameter.PATH,
                description="Mã tham chiếu của lô / The batch's reference.",
            )
        ],
        responses={
            200: OpenApiResponse(
                BatchOutputSerializer,
                description="Kết quả / The result.",
                examples=[examples.BATCH_RESULT],
            ),
            **AUTH_PROBLEMS,
            (404, "application/problem+json"): problem("Không có lô này / No such batch."),
        },
    )
    def get(self, request, reference):
        try:
            batch = partner_batch(partner_id=request_token(request).partner_id, reference=reference)
        except PartnerBatch.DoesNotExist as exc:
            raise NotFound(_("No such batch.")) from exc
        return Response(BatchOutputSerializer(batch, context={"request": request}).data)

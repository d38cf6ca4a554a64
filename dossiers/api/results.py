"""Results and documents of a dossier: uploaded files (with OCR text and searchable PDF),
the reception slip, the letters (supplement request, refusal, apology ...) and the signed
result, with ETag / If-None-Match (304) and Content-Disposition on every download.

Access is the pages' (`dossiers.views.files`): the dossier as `get_dossier` finds it for
this client, then `dossiers.selectors` says which slips the client may read (applicants get
the result once returned) and whether the dossier has a reception slip at all.
"""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.api import content_etag, not_modified
from core.api_access import Scope

from ..digitisation import searchable_pdf_name
from ..models import DossierDocument, Slip
from ..selectors import dossier_document, dossier_slip, dossier_slips, has_reception_slip
from ..slips import reception_slip_when_ready
from ..uploads import UPLOAD_KINDS
from . import result_examples as examples
from .common import (
    AUTH_PROBLEMS,
    DOSSIER_KEY,
    NOT_FOUND,
    SCOPE_NOTE,
    ApiView,
    PortalCursorPagination,
    get_dossier,
)
from .result_serializers import (
    DossierFileDetailOutputSerializer,
    DossierFileOutputSerializer,
    SlipOutputSerializer,
    SlipPreparingOutputSerializer,
)
from .views import DossierDocumentUploadApi

TAGS = ["results"]
READ = (Scope.DOSSIERS_READ,)
# Private to the client, kept by it but checked again (If-None-Match) before each use.
PRIVATE_REVALIDATE = "private, no-cache"
PREPARING_RETRY_SECONDS = 2

# --- OpenAPI building blocks ---------------------------------------------------------

IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "ETag đã có; nếu chưa đổi thì trả 304 không có nội dung / An ETag you hold; when it "
        "is still current the answer is 304 without a body."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 304],
    description=(
        "Phiên bản của nội dung; gửi lại trong If-None-Match / The version of this content; "
        "send it back in If-None-Match."
    ),
)
CACHE_CONTROL = OpenApiParameter(
    "Cache-Control",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 304],
    description=(
        "Riêng tư; lưu được nhưng phải kiểm tra lại bằng If-None-Match / Private; may be "
        "kept, but checked again with If-None-Match before reuse."
    ),
)
CONTENT_DISPOSITION = OpenApiParameter(
    "Content-Disposition",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description=(
        "Tệp đính kèm với tên tệp (inline khi có ?inline=1) / An attachment with its file "
        "name (inline with ?inline=1)."
    ),
)
INLINE = OpenApiParameter(
    "inline",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["1"],
    description=(
        "1 để mở trong trình duyệt thay vì tải về (chỉ PDF) / 1 to open in the browser "
        "instead of downloading (PDF only)."
    ),
)
# What every download declares beside its keys: inline or not, the conditional GET, caching.
DOWNLOAD_HEADERS = [INLINE, IF_NONE_MATCH, ETAG, CACHE_CONTROL, CONTENT_DISPOSITION]


def _id_parameter(name: str, what_vi: str, what_en: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        OpenApiTypes.INT,
        OpenApiParameter.PATH,
        description=f"Mã số {what_vi} / The {what_en}'s id.",
    )


DOCUMENT_ID = _id_parameter("document_id", "giấy tờ", "document")
SLIP_ID = _id_parameter("slip_id", "phiếu", "slip")
NOT_MODIFIED = {
    304: OpenApiResponse(
        description="Không đổi từ ETag đã có / Not modified since the ETag you sent."
    )
}
FILE_NOT_FOUND = {
    key: OpenApiResponse(
        response=value.response,
        description=(
            "Không có hồ sơ, tệp này, hoặc bạn không được xem / No such dossier or file, or "
            "not yours to see."
        ),
        examples=value.examples,
    )
    for key, value in NOT_FOUND.items()
}


def binary(description: str, *media_types: str) -> dict:
    return {
        (200, media): OpenApiResponse(OpenApiTypes.BINARY, description) for media in media_types
    }


# --- shaping the answer --------------------------------------------------------------


class DownloadApi(ApiView):
    """A view that answers with a file: errors stay problem+json whatever `Accept` says."""

    required_scopes = READ

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)


def file_response(request, storage, name: str, *, etag: str, filename: str, content_type: str):
    """The stored file, or 304 when the client already holds this version."""
    unchanged = not_modified(request, etag=etag, cache_control=PRIVATE_REVALIDATE)
    if unchanged is not None:
        return unchanged
    inline = request.query_params.get("inline") == "1" and content_type == "application/pdf"
    response = FileResponse(
        storage.open(name, "rb"),
        content_type=content_type,
        as_attachment=not inline,
        filename=filename,
    )
    response["ETag"] = etag
    response["Cache-Control"] = PRIVATE_REVALIDATE
    response["X-Content-Type-Options"] = "nosniff"
    return response


def json_response(request, body) -> Response:
    etag = content_etag(body)
    unchanged = not_modified(request, etag=etag, cache_control=PRIVATE_REVALIDATE)
    if unchanged is not None:
        return unchanged
    return Response(body, headers={"ETag": etag, "Cache-Control": PRIVATE_REVALIDATE})


def _document(request, code: str, document_id: int) -> DossierDocument:
    dossier = get_dossier(request, code)
    try:
        document = dossier_document(dossier=dossier, document_id=document_id)
    except DossierDocument.DoesNotExist as exc:
        raise NotFound(_("The dossier has no such document.")) from exc
    document.dossier = dossier
    return document


def _slip(request, code: str, slip_id: int):
    dossier = get_dossier(request, code)
    try:
        slip = dossier_slip(dossier=dossier, user=request.user, slip_id=slip_id)
    except Slip.DoesNotExist as exc:
        raise NotFound(_("The dossier has no such slip that you may see.")) from exc
    return dossier, slip


class _ChronologicalPagination(PortalCursorPagination):
    ordering = ("created_at", "id")


# --- uploaded documents --------------------------------------------------------------


class DossierDocumentsApi(DossierDocumentUploadApi, GenericAPIView):
    """GET lists the dossier's documents; POST (inherited) uploads one."""

    required_scopes = {"GET": READ, "POST": (Scope.DOSSIERS_WRITE,)}
    pagination_class = _ChronologicalPagination

    @extend_schema(
        operation_id="dossiers_documents_list",
        tags=TAGS,
        summary="Giấy tờ của hồ sơ / A dossier's documents",
        description=(
            "Các tệp đã nộp cho hồ sơ (tải lên, quét tại quầy), cũ nhất trước, kèm liên kết "
            "tải tệp gốc và PDF tìm kiếm được khi đã số hóa.\n\n"
            "The files of the dossier (uploads, counter scans), oldest first, with links to "
            "the file as uploaded and, once digitised, the searchable PDF. "
            f"{SCOPE_NOTE['read']}"
        ),
        parameters=[DOSSIER_KEY],
        responses={
            200: OpenApiResponse(
                DossierFileOutputSerializer(many=True),
                description="Một trang giấy tờ / One page of documents.",
                examples=[examples.DOCUMENT_LIST_ITEM],
            ),
            **AUTH_PROBLEMS,
            **NOT_FOUND,
        },
    )
    def get(self, request, code: str):
        dossier = get_dossier(request, code)
        documents = DossierDocument.objects.filter(dossier=dossier).select_related("component")
        page = self.paginate_queryset(documents)
        for document in page:
            document.dossier = dossier
        body = DossierFileOutputSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(body)


class DossierDocumentDetailApi(ApiView):
    required_scopes = READ

    @extend_schema(
        operation_id="dossiers_documents_retrieve",
        tags=TAGS,
        summary="Một giấy tờ và văn bản nhận dạng / A document and its recognised text",
        description=(
            "Thông tin tệp, trạng thái số hóa và văn bản nhận dạng (OCR) khi đã xong.\n\n"
            "The file's metadata, its digitisation status and, once done, its recognised "
            f"(OCR) text. {SCOPE_NOTE['read']}"
        ),
        parameters=[DOSSIER_KEY, DOCUMENT_ID, IF_NONE_MATCH, ETAG, CACHE_CONTROL],
        responses={
            200: OpenApiResponse(
                DossierFileDetailOutputSerializer,
                description="Giấy tờ / The document.",
                examples=[examples.DOCUMENT_DETAIL],
            ),
            **NOT_MODIFIED,
            **AUTH_PROBLEMS,
            **FILE_NOT_FOUND,
        },
    )
    def get(self, request, code: str, document_id: int):
        document = _document(request, code, document_id)
        body = DossierFileDetailOutputSerializer(document, context={"request": request}).data
        return json_response(request, body)


_DOCUMENT_MEDIA = tuple(kind.content_type for kind in UPLOAD_KINDS.values())


class DossierDocumentFileApi(DownloadApi):
    @extend_schema(
        operation_id="dossiers_documents_file",
        tags=TAGS,
        summary="Tải tệp gốc / Download the file as uploaded",
        description=(
            "Tệp đúng như đã nộp, với ETag (SHA-256) và Content-Disposition.\n\n"
            "The file exactly as uploaded, with its ETag (its SHA-256) and "
            f"Content-Disposition. {SCOPE_NOTE['read']}"
        ),
        parameters=[
            DOSSIER_KEY,
            DOCUMENT_ID,
            *DOWNLOAD_HEADERS,
        ],
        responses={
            **binary("Tệp / The file.", *_DOCUMENT_MEDIA),
            **NOT_MODIFIED,
            **AUTH_PROBLEMS,
            **FILE_NOT_FOUND,
        },
    )
    def get(self, request, code: str, document_id: int):
        document = _document(request, code, document_id)
        return file_response(
            request,
            document.file.storage,
            document.file.name,
            etag=f'"{document.sha256}"',
            filename=document.original_name,
            content_type=document.content_type,
        )


class DossierDocumentSearchablePdfApi(DownloadApi):
    @extend_schema(
        operation_id="dossiers_documents_searchable_pdf",
        tags=TAGS,
        summary="Tải PDF tìm kiếm được / Download the searchable PDF",
        description=(
            "PDF/A có lớp văn bản do số hóa tạo ra; 404 khi chưa số hóa xong.\n\n"
            "The PDF/A with a text layer made by digitisation; 404 while digitisation is not "
            f"done. {SCOPE_NOTE['read']}"
        ),
        parameters=[
            DOSSIER_KEY,
            DOCUMENT_ID,
            *DOWNLOAD_HEADERS,
        ],
        responses={
            **binary("PDF tìm kiếm được / The searchable PDF.", "application/pdf"),
            **NOT_MODIFIED,
            **AUTH_PROBLEMS,
            **FILE_NOT_FOUND,
        },
    )
    def get(self, request, code: str, document_id: int):
        document = _document(request, code, document_id)
        name = searchable_pdf_name(document)
        storage = document.file.storage
        if not storage.exists(name):
            raise NotFound(_("This document has no searchable PDF yet."))
        # Made once per digitisation: its size and time tell one rendering from another.
        stamp = f"{storage.size(name)}-{int(storage.get_modified_time(name).timestamp())}"
        stem = document.original_name.rsplit(".", 1)[0]
        return file_response(
            request,
            storage,
            name,
            etag=f'"{document.sha256[:32]}-ocr-{stamp}"',
            filename=f"{stem}-ocr.pdf",
            content_type="application/pdf",
        )


# --- slips, letters and the result ---------------------------------------------------


class DossierSlipListApi(ApiView, GenericAPIView):
    required_scopes = READ
    pagination_class = _ChronologicalPagination

    @extend_schema(
        operation_id="dossiers_slips_list",
        tags=TAGS,
        summary="Phiếu, thư và kết quả / Slips, letters and the result",
        description=(
            "Các văn bản cổng đã phát hành cho hồ sơ, cũ nhất trước: giấy tiếp nhận và hẹn "
            "trả kết quả, phiếu yêu cầu bổ sung, phiếu từ chối, thư xin lỗi, thông báo dừng "
            "xử lý và kết quả đã ký số (kèm tình trạng chữ ký). Người nộp thấy kết quả khi "
            "hồ sơ đã trả kết quả.\n\n"
            "The documents the portal issued for the dossier, oldest first: the reception "
            "and appointment slip, supplement requests, refusal, apology letters, the notice "
            "that processing stopped and the digitally signed result (with its signature's "
            "validity). Applicants see the result once it has been returned. "
            f"{SCOPE_NOTE['read']}"
        ),
        parameters=[DOSSIER_KEY],
        responses={
            200: OpenApiResponse(
                SlipOutputSerializer(many=True),
                description="Một trang văn bản / One page of slips.",
                examples=[examples.SLIP_LIST_ITEM, examples.SLIP_LIST_LETTER],
            ),
            **AUTH_PROBLEMS,
            **NOT_FOUND,
        },
    )
    def get(self, request, code: str):
        dossier = get_dossier(request, code)
        visible = [slip.pk for slip in dossier_slips(dossier=dossier, user=request.user)]
        slips = Slip.objects.filter(pk__in=visible)
        page = self.paginate_queryset(slips)
        context = {"request": request, "dossier": dossier}
        return self.get_paginated_response(
            SlipOutputSerializer(page, many=True, context=context).data
        )


class DossierSlipDetailApi(ApiView):
    required_scopes = READ

    @extend_schema(
        operation_id="dossiers_slips_retrieve",
        tags=TAGS,
        summary="Một văn bản và chữ ký số / One slip and its signature",
        description=(
            "Thông tin một văn bản; với kết quả đã ký số: chữ ký có toàn vẹn, hợp lệ và do "
            "BHXH ký (tin cậy) hay không.\n\n"
            "One slip's metadata; for the signed result, whether its signature is intact, "
            f"valid and VSS's own (trusted). {SCOPE_NOTE['read']}"
        ),
        parameters=[DOSSIER_KEY, SLIP_ID, IF_NONE_MATCH, ETAG, CACHE_CONTROL],
        responses={
            200: OpenApiResponse(
                SlipOutputSerializer,
                description="Văn bản / The slip.",
                examples=[examples.SLIP_DETAIL, examples.SLIP_DETAIL_LETTER],
            ),
            **NOT_MODIFIED,
            **AUTH_PROBLEMS,
            **FILE_NOT_FOUND,
        },
    )
    def get(self, request, code: str, slip_id: int):
        dossier, slip = _slip(request, code, slip_id)
        context = {"request": request, "dossier": dossier}
        return json_response(request, SlipOutputSerializer(slip, context=context).data)


class DossierSlipPdfApi(DownloadApi):
    @extend_schema(
        operation_id="dossiers_slips_pdf",
        tags=TAGS,
        summary="Tải văn bản PDF / Download a slip's PDF",
        description=(
            "Tệp PDF của văn bản (kết quả: bản đã ký số PAdES), ETag là SHA-256 của tệp.\n\n"
            "The slip's PDF (for the result: the PAdES-signed file); the ETag is the file's "
            f"SHA-256. {SCOPE_NOTE['read']}"
        ),
        parameters=[
            DOSSIER_KEY,
            SLIP_ID,
            *DOWNLOAD_HEADERS,
        ],
        responses={
            **binary("Tệp PDF / The PDF.", "application/pdf"),
            **NOT_MODIFIED,
            **AUTH_PROBLEMS,
            **FILE_NOT_FOUND,
        },
    )
    def get(self, request, code: str, slip_id: int):
        dossier, slip = _slip(request, code, slip_id)
        return file_response(
            request,
            slip.file.storage,
            slip.file.name,
            etag=f'"{slip.sha256}"',
            filename=f"{slip.kind}-{dossier.code}.pdf",
            content_type="application/pdf",
        )


class DossierReceptionSlipApi(DownloadApi):
    @extend_schema(
        operation_id="dossiers_reception_slip",
        tags=TAGS,
        summary="Giấy tiếp nhận và hẹn trả kết quả / Reception and appointment slip",
        description=(
            "Giấy tiếp nhận (mẫu 01) dạng PDF. Ngay sau khi tiếp nhận, giấy có thể đang được "
            "tạo: khi đó trả 202 kèm Retry-After, hỏi lại sau. Hồ sơ chưa tiếp nhận, hoặc bị "
            "từ chối tại quầy, không có giấy tiếp nhận (404).\n\n"
            "The reception slip (form 01) as a PDF. Right after reception it may still be "
            "being made: the answer is then 202 with Retry-After; ask again. A dossier not "
            "received yet, or refused at the counter, has none (404). "
            f"{SCOPE_NOTE['read']}"
        ),
        parameters=[
            DOSSIER_KEY,
            *DOWNLOAD_HEADERS,
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                response=[202],
                description="Số giây nên chờ / Seconds to wait before asking again.",
            ),
        ],
        responses={
            **binary("Giấy tiếp nhận / The reception slip.", "application/pdf"),
            202: OpenApiResponse(
                SlipPreparingOutputSerializer,
                description="Đang tạo, hỏi lại sau / Being prepared; ask again later.",
                examples=[examples.SLIP_PREPARING],
            ),
            **NOT_MODIFIED,
            **AUTH_PROBLEMS,
            **FILE_NOT_FOUND,
        },
    )
    def get(self, request, code: str):
        dossier = get_dossier(request, code)
        if not has_reception_slip(dossier):
            raise NotFound(_("This dossier has no reception slip."))
        slip = reception_slip_when_ready(dossier=dossier)
        if slip is None:
            return Response(
                {"status": "preparing", "retry_after": PREPARING_RETRY_SECONDS},
                status=202,
                headers={
                    "Retry-After": str(PREPARING_RETRY_SECONDS),
                    "Cache-Control": "private, no-store",
                },
            )
        return file_response(
            request,
            slip.file.storage,
            slip.file.name,
            etag=f'"{slip.sha256}"',
            filename=f"giay-tiep-nhan-{dossier.code}.pdf",
            content_type="application/pdf",
        )

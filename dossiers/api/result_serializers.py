"""Output of the results and documents API: uploaded documents, slips, letters, results."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..constants import DigitisationStatus, SlipKind
from .serializers import DocumentOutputSerializer


def _absolute(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(f"dossiers_api:{name}", args=args))


def _key(dossier) -> str:
    return str(dossier.code or dossier.reference)


class DocumentLinksOutputSerializer(serializers.Serializer):
    self = serializers.URLField(help_text="Siêu dữ liệu / This metadata.")
    file = serializers.URLField(help_text="Tệp gốc / The file as uploaded.")
    searchable_pdf = serializers.URLField(
        allow_null=True,
        help_text=(
            "PDF tìm kiếm được (sau khi số hóa), hoặc null / The searchable PDF made by "
            "digitisation, or null while it is not ready."
        ),
    )


class DossierFileOutputSerializer(DocumentOutputSerializer):
    """An uploaded document with its links (and, in detail, its recognised text)."""

    component_name = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    def get_component_name(self, document) -> str | None:
        return None if document.component is None else str(document.component.name)

    @staticmethod
    def links_of(request, document) -> dict:
        key = _key(document.dossier)
        searchable = (
            _absolute(request, "document_searchable_pdf", key, document.pk)
            if document.digitisation_status == DigitisationStatus.DONE
            else None
        )
        return {
            "self": _absolute(request, "document_detail", key, document.pk),
            "file": _absolute(request, "document_file", key, document.pk),
            "searchable_pdf": searchable,
        }

    @extend_schema_field(DocumentLinksOutputSerializer)
    def get_links(self, document) -> dict:
        return self.links_of(self.context["request"], document)


class DossierFileDetailOutputSerializer(DossierFileOutputSerializer):
    ocr_text = serializers.SerializerMethodField(
        help_text=(
            "Văn bản nhận dạng (OCR) khi đã số hóa xong, hoặc null / The recognised (OCR) "
            "text once digitisation is done, or null."
        )
    )

    def get_ocr_text(self, document) -> str | None:
        if document.digitisation_status != DigitisationStatus.DONE:
            return None
        return document.ocr_text


class SignatureOutputSerializer(serializers.Serializer):
    valid = serializers.BooleanField(
        help_text=(
            "Chữ ký toàn vẹn và đúng về mật mã / The signed bytes are unchanged and the "
            "signature checks out cryptographically."
        )
    )
    trusted = serializers.BooleanField(
        help_text=(
            "Chứng thư của người ký thuộc BHXH (chứng thư ký số đã cấu hình) / The signer's "
            "certificate chains to VSS's configured signing certificate."
        )
    )
    signer = serializers.CharField(help_text="Tên trong chứng thư / The certificate's name.")
    signed_at = serializers.DateTimeField(
        allow_null=True, help_text="Thời điểm ký do người ký khai / Signing time claimed."
    )
    coverage = serializers.CharField(
        help_text=(
            "Phạm vi chữ ký phủ, ví dụ ENTIRE_FILE / What the signature covers, e.g. ENTIRE_FILE."
        )
    )


class SlipLinksOutputSerializer(serializers.Serializer):
    self = serializers.URLField(help_text="Siêu dữ liệu / This metadata.")
    pdf = serializers.URLField(help_text="Tệp PDF / The PDF.")


class SlipOutputSerializer(serializers.Serializer):
    """A slip the portal issued: reception slip, a letter, or the signed result."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SlipKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    signed = serializers.BooleanField(help_text="Đã ký số / Digitally signed (PAdES).")
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    signature = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    @extend_schema_field(SignatureOutputSerializer(allow_null=True))
    def get_signature(self, slip) -> dict | None:
        from ..selectors import slip_signature_status

        status = slip_signature_status(slip)
        if status is None:
            return None
        return SignatureOutputSerializer(status).data

    @extend_schema_field(SlipLinksOutputSerializer)
    def get_links(self, slip) -> dict:
        request, key = self.context["request"], _key(self.context["dossier"])
        return {
            "self": _absolute(request, "slip_detail", key, slip.pk),
            "pdf": _absolute(request, "slip_pdf", key, slip.pk),
        }


class SlipPreparingOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[("preparing", "preparing")])
    retry_after = serializers.IntegerField(help_text="Giây / Seconds.")

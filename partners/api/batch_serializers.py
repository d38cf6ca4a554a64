"""Employer batch filing: input and output serializers (the views are in `batches`)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dossiers.api.serializers import PROVINCES, VALUES_HELP, _absolute
from dossiers.constants import DossierState

from ..constants import BATCH_MAX_DOCUMENTS_PER_ITEM, BATCH_MAX_ITEMS, BatchItemStatus

# --- batch inputs --------------------------------------------------------------------


class BatchDocumentInputSerializer(serializers.Serializer):
    component = serializers.CharField(max_length=64, help_text="Mã thành phần / Component code.")
    file_name = serializers.CharField(max_length=200, help_text="Tên tệp / File name.")
    content = serializers.CharField(
        help_text="Nội dung tệp mã hóa base64 / The file's content, base64-encoded."
    )


class BatchItemInputSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="Mã tham chiếu của đơn vị (vd. mã nhân viên) / Your reference (e.g. staff ID).",
    )
    data = serializers.DictField(
        child=serializers.JSONField(allow_null=True), help_text=VALUES_HELP
    )
    province_code = serializers.ChoiceField(choices=PROVINCES, required=False)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    documents = BatchDocumentInputSerializer(
        many=True, required=False, max_length=BATCH_MAX_DOCUMENTS_PER_ITEM
    )


class BatchCreateInputSerializer(serializers.Serializer):
    """The documented request; items are checked one by one (see BatchEnvelopeSerializer)."""

    procedure = serializers.SlugField(max_length=80, help_text="Mã định danh thủ tục / Slug.")
    submit = serializers.BooleanField(
        default=True,
        help_text=(
            "Nộp ngay các hồ sơ đủ thành phần (mặc định); false: chỉ lưu nháp / Submit every "
            "complete item (default); false: save them all as drafts."
        ),
    )
    items = BatchItemInputSerializer(many=True, min_length=1, max_length=BATCH_MAX_ITEMS)


class BatchEnvelopeSerializer(serializers.Serializer):
    """What is checked for the whole batch before any item: a bad envelope fails it all."""

    procedure = serializers.SlugField(max_length=80)
    submit = serializers.BooleanField(default=True)
    items = serializers.ListField(
        child=serializers.JSONField(), min_length=1, max_length=BATCH_MAX_ITEMS
    )


# --- batch outputs -------------------------------------------------------------------


class BatchDossierOutputSerializer(serializers.Serializer):
    reference = serializers.UUIDField()
    code = serializers.CharField(allow_null=True)
    state = serializers.ChoiceField(choices=DossierState.choices)


class BatchItemErrorOutputSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    code = serializers.CharField(allow_blank=True)


class BatchItemResultOutputSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Vị trí trong `items` (từ 0) / Position (from 0).")
    external_id = serializers.CharField()
    status = serializers.ChoiceField(choices=BatchItemStatus.choices)
    dossier = BatchDossierOutputSerializer(allow_null=True)
    errors = BatchItemErrorOutputSerializer(many=True)
    missing = serializers.ListField(
        child=serializers.CharField(),
        help_text="Bản nháp: những gì còn thiếu / A draft: what is still missing.",
    )


class BatchSummaryOutputSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    submitted = serializers.IntegerField()
    drafts = serializers.IntegerField()
    rejected = serializers.IntegerField()


class BatchOutputSerializer(serializers.Serializer):
    reference = serializers.UUIDField()
    url = serializers.SerializerMethodField()
    procedure = serializers.CharField(source="procedure.slug")
    submit = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    summary = BatchSummaryOutputSerializer(source="*")
    items = BatchItemResultOutputSerializer(many=True, source="results")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, batch) -> str:
        path = reverse("dossiers_api:batch_detail", args=[batch.reference])
        return _absolute(self.context.get("request"), path)

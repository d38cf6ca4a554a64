"""Serializers of the ratings API: the answers checked here, the rating read back. No writes."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..constants import MAX_SCORE, MAX_TRIPS, MIN_SCORE
from ..forms import SCALE_ERRORS

_SCALE_ERRORS = {
    **SCALE_ERRORS,
    "invalid": SCALE_ERRORS["invalid_choice"],
    "min_value": SCALE_ERRORS["invalid_choice"],
    "max_value": SCALE_ERRORS["invalid_choice"],
}


def _scale(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=MIN_SCORE, max_value=MAX_SCORE, error_messages=_SCALE_ERRORS, help_text=help_text
    )


SCALE_HELP = (
    "1 = rất không hài lòng … 5 = rất hài lòng / 1 = very dissatisfied … 5 = very satisfied."
)


class RatingInputSerializer(serializers.Serializer):
    """The answers of the rating form: the overall score, three criteria, trips, comment."""

    score = _scale(f"Mức hài lòng chung / Overall satisfaction. {SCALE_HELP}")
    timeliness = _scale(f"Thời gian giải quyết / Timeliness. {SCALE_HELP}")
    attitude = _scale(f"Thái độ của cán bộ / Staff attitude. {SCALE_HELP}")
    guidance = _scale(f"Hướng dẫn rõ ràng / Clarity of guidance. {SCALE_HELP}")
    trips_needed = serializers.IntegerField(
        min_value=0,
        max_value=MAX_TRIPS,
        help_text=(
            f"Số lần phải đến cơ quan BHXH (0-{MAX_TRIPS}; 0 nếu làm hoàn toàn trực tuyến) / "
            f"Trips to the office needed (0-{MAX_TRIPS}; 0 when done entirely online)."
        ),
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text=(
            "Góp ý (không bắt buộc; không ghi số CCCD hay thông tin cá nhân) / Comment "
            "(optional; please write no ID numbers or other personal details)."
        ),
    )


class RatingAnswersOutputSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="Mức hài lòng chung / Overall satisfaction (1-5).")
    timeliness = serializers.IntegerField(help_text="Thời gian giải quyết / Timeliness (1-5).")
    attitude = serializers.IntegerField(help_text="Thái độ của cán bộ / Staff attitude (1-5).")
    guidance = serializers.IntegerField(help_text="Hướng dẫn / Clarity of guidance (1-5).")
    trips_needed = serializers.IntegerField(help_text="Số lần đến cơ quan / Trips needed.")
    comment = serializers.CharField(allow_blank=True, help_text="Góp ý / Comment.")
    # Not an enum in the schema: `ChannelEnum` already names the dossiers' channels.
    channel = serializers.CharField(
        help_text=(
            "`web`: trực tuyến trong tài khoản; `tablet`: máy tính bảng tại quầy / `web`: "
            "online in the citizen's account; `tablet`: the counter tablet."
        )
    )
    created_at = serializers.DateTimeField(help_text="Thời điểm đánh giá / Rated at.")
    updated_at = serializers.DateTimeField(help_text="Sửa lần cuối / Last changed at.")
    editable_until = serializers.DateTimeField(
        help_text="Được sửa đến (7 ngày sau khi đánh giá) / Can be changed until (7 days after)."
    )


class RatingPanelOutputSerializer(serializers.Serializer):
    """The rating of one dossier as the caller may see it, and what the caller may do."""

    dossier = serializers.SerializerMethodField(
        help_text="Mã hồ sơ / The dossier's code.",
    )
    url = serializers.SerializerMethodField()
    can_rate = serializers.BooleanField(
        help_text=(
            "Người nộp được đánh giá lần đầu (hồ sơ đã trả kết quả, chưa đánh giá) / The "
            "applicant may rate now (the result was returned, no rating yet)."
        )
    )
    can_edit = serializers.BooleanField(
        help_text=(
            "Người nộp còn được sửa đánh giá (trong 7 ngày) / The applicant may still change "
            "the rating (within 7 days)."
        )
    )
    rating = RatingAnswersOutputSerializer(
        allow_null=True, help_text="Đánh giá, nếu đã có / The rating, once given."
    )

    def get_dossier(self, panel) -> str:
        return panel["dossier"].code or str(panel["dossier"].reference)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, panel) -> str:
        path = reverse("ratings_api:rating", args=[self.get_dossier(panel)])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

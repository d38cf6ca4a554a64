"""Serializers of the open-data API: query input, read-only output described by the dictionary."""

from rest_framework import serializers

from offices.geography import province_choices

from ..constants import OPEN_DATA_MIN_CELL
from ..selectors.open_data import dictionary_entry


def _doc(name: str) -> str:
    return dictionary_entry(name).help_text


class OpenDataInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False,
        min_value=2018,
        max_value=2100,
        help_text="Năm, mặc định năm hiện tại / Year, the current year by default.",
    )
    province = serializers.ChoiceField(
        choices=[code for code, _name in province_choices()],
        required=False,
        help_text="Mã tỉnh (Quyết định 19/2025/QĐ-TTg) / Province code (Decision 19/2025/QD-TTg).",
    )


def _int(name: str) -> serializers.IntegerField:
    return serializers.IntegerField(help_text=_doc(name))


def _rate(name: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=_doc(name))


class OpenDataRowSerializer(serializers.Serializer):
    province_code = _int("province_code")
    province_name = serializers.CharField(help_text=_doc("province_name"))
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text=_doc("month"))
    received = _int("received")
    received_online = _int("received_online")
    received_counter = _int("received_counter")
    received_post = _int("received_post")
    received_ivan = _int("received_ivan")
    electronic_share = _rate("electronic_share")
    received_outside_residence = _int("received_outside_residence")
    received_digitised = _int("received_digitised")
    processed = _int("processed")
    returned = _int("returned")
    returned_early = _int("returned_early")
    returned_on_time = _int("returned_on_time")
    returned_late = _int("returned_late")
    returned_late_apologised = _int("returned_late_apologised")
    on_time_rate = _rate("on_time_rate")
    returned_signed = _int("returned_signed")
    average_processing_days = _rate("average_processing_days")
    paid_non_cash = _int("paid_non_cash")
    paid_cash = _int("paid_cash")
    rated = _int("rated")
    rated_satisfied = _int("rated_satisfied")
    satisfied_share = _rate("satisfied_share")
    average_score = _rate("average_score")
    counter_visitors = _int("counter_visitors")
    called_within_15_min_share = _rate("called_within_15_min_share")
    median_wait_minutes = _rate("median_wait_minutes")
    p90_wait_minutes = _rate("p90_wait_minutes")


class OpenDataOutputSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="Năm / Year.")
    min_cell = serializers.IntegerField(
        help_text=(
            "Tỷ lệ và trung bình tính từ ít hơn số hồ sơ này được để trống / "
            "Rates and averages computed from fewer dossiers than this are null."
        ),
        default=OPEN_DATA_MIN_CELL,
    )
    computed_at = serializers.DateTimeField(
        allow_null=True,
        help_text=(
            "Thời điểm tính số liệu (lần cập nhật gần nhất của các ngày trong năm) / "
            "When the figures were computed (latest refresh of the year's days)."
        ),
    )
    results = OpenDataRowSerializer(many=True)


class DictionaryEntrySerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Tên trường / Field name.")
    type = serializers.CharField(help_text="Kiểu dữ liệu / Data type.")
    description_vi = serializers.CharField(help_text="Mô tả tiếng Việt / Vietnamese description.")
    description_en = serializers.CharField(help_text="Mô tả tiếng Anh / English description.")

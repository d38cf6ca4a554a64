"""Input and output of the reference data API."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.constants import Role
from offices.constants import OfficeKind


class ProvinceOutputSerializer(serializers.Serializer):
    code = serializers.IntegerField(help_text="Mã theo QĐ 19/2025/QĐ-TTg / Decision 19 code.")
    name = serializers.CharField()
    division_type = serializers.CharField(help_text="Ví dụ “tỉnh” / E.g. “tỉnh” (province).")
    phone_code = serializers.IntegerField(allow_null=True)
    communes_url = serializers.URLField()


class CommuneOutputSerializer(serializers.Serializer):
    code = serializers.IntegerField()
    name = serializers.CharField()
    division_type = serializers.CharField(help_text="“phường”, “xã” hoặc “đặc khu”.")
    province_code = serializers.IntegerField()


class OpeningPeriodOutputSerializer(serializers.Serializer):
    days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7),
        help_text="Thứ theo ISO, 1 là thứ Hai / ISO weekdays, 1 is Monday.",
    )
    opens = serializers.CharField(help_text="HH:MM")
    closes = serializers.CharField(help_text="HH:MM")


class OfficeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agency_code = serializers.CharField(help_text="Mã cơ quan QCVN 102:2016 / Agency code.")
    name = serializers.CharField()
    name_en = serializers.CharField()
    kind = serializers.ChoiceField(choices=OfficeKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    province_code = serializers.IntegerField()
    province_name = serializers.CharField()
    parent = serializers.CharField(
        source="parent.agency_code", allow_null=True, help_text="Mã cơ quan cấp trên."
    )
    address = serializers.CharField()
    phone = serializers.CharField()
    opening_hours = OpeningPeriodOutputSerializer(
        many=True, help_text="Giờ mở cửa; rỗng khi chưa khai báo / Empty when not entered yet."
    )
    officers_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField())
    def get_officers_url(self, office) -> str:
        path = reverse("reference_api:office_officers", args=[office.agency_code])
        return self.context["request"].build_absolute_uri(path)


class OfficeListInputSerializer(serializers.Serializer):
    province_code = serializers.IntegerField(
        required=False, min_value=1, max_value=99, help_text="Mã tỉnh / Province code."
    )
    kind = serializers.ChoiceField(
        choices=OfficeKind.choices, required=False, help_text="Loại cơ quan / Office kind."
    )


class HealthFacilityOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã cơ sở khám chữa bệnh / Facility code.")
    name = serializers.CharField()
    province_code = serializers.IntegerField()
    accepts_initial_registration = serializers.BooleanField(
        help_text="Nhận đăng ký khám ban đầu / Accepts initial-care registration."
    )


class HealthFacilityListInputSerializer(serializers.Serializer):
    province_code = serializers.IntegerField(
        required=False, min_value=1, max_value=99, help_text="Mã tỉnh / Province code."
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Tên hoặc mã cơ sở / Part of the name, or the code.",
    )


class OfficerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Dùng cho `assign` / The id `assign` takes.")
    display_name = serializers.CharField()
    role = serializers.ChoiceField(choices=[(r.value, r.label) for r in Role])
    role_label = serializers.CharField(source="get_role_display")
    assignable = serializers.SerializerMethodField()

    def get_assignable(self, user) -> bool:
        return user.role == Role.PROCESSING_OFFICER

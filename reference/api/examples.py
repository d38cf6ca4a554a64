"""OpenAPI examples of the reference data API (one item of each list)."""

from drf_spectacular.utils import OpenApiExample

_API = "https://portal.vss.gov.vn/api/v1"

PROVINCES = OpenApiExample(
    "Hà Nội / Hanoi",
    value={
        "code": 1,
        "name": "Thành phố Hà Nội",
        "division_type": "thành phố trung ương",
        "phone_code": 24,
        "communes_url": f"{_API}/provinces/1/communes/",
    },
    response_only=True,
)
COMMUNES = OpenApiExample(
    "Phường Hoàn Kiếm / The Hoàn Kiếm ward of Hanoi",
    value={"code": 70, "name": "Phường Hoàn Kiếm", "division_type": "phường", "province_code": 1},
    response_only=True,
)
OFFICE = OpenApiExample(
    "BHXH Hà Nội / Hanoi Social Security",
    value={
        "id": 1,
        "agency_code": "000.00.01.H26",
        "name": "Bảo hiểm xã hội thành phố Hà Nội",
        "name_en": "Hà Nội City Social Security Office",
        "kind": "provincial",
        "kind_label": "Bảo hiểm xã hội tỉnh",
        "province_code": 1,
        "province_name": "Thành phố Hà Nội",
        "parent": None,
        "address": "86 Trần Duy Hưng, Hà Nội",
        "phone": "024 3883 6688",
        "opening_hours": [
            {"days": [1, 2, 3, 4, 5], "opens": "07:30", "closes": "11:30"},
            {"days": [1, 2, 3, 4, 5], "opens": "13:00", "closes": "16:30"},
        ],
        "officers_url": f"{_API}/offices/000.00.01.H26/officers/",
    },
    response_only=True,
)
HEALTH_FACILITY = OpenApiExample(
    "Bệnh viện Bạch Mai / Bach Mai Hospital",
    value={
        "code": "01929",
        "name": "Bệnh viện Bạch Mai",
        "province_code": 1,
        "accepts_initial_registration": True,
    },
    response_only=True,
)
OFFICER = OpenApiExample(
    "Cán bộ xử lý / A processing officer",
    value={
        "id": 42,
        "display_name": "Lê Thị Hoa",
        "role": "processing_officer",
        "role_label": "Cán bộ xử lý",
        "assignable": True,
    },
    response_only=True,
)

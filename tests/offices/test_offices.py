"""The office register: the 34 provincial offices made by migration 0002 and kept by a service.

The migration's rows exist in the test database until a transactional test flushes it;
pytest-django runs those last, so the tests below see the migrated data.
"""

import re

import pytest
from django.db import IntegrityError, transaction
from vietnam_provinces import Province

from offices.constants import OfficeKind
from offices.models import Office
from offices.selectors import provincial_office_for
from offices.services import provincial_offices_sync

pytestmark = pytest.mark.django_db

AGENCY_CODE = re.compile(r"^000\.00\.(\d{2})\.G12$")
PROVINCE_CODES = {int(p.code) for p in Province.iter_all()}


def _provincial():
    return Office.objects.filter(kind=OfficeKind.PROVINCIAL)


def test_migrations_create_one_provincial_office_per_province():
    offices = list(_provincial())

    assert len(PROVINCE_CODES) == 34
    assert len(offices) == 34
    assert {o.province_code for o in offices} == PROVINCE_CODES
    codes = [o.agency_code for o in offices]
    assert len(set(codes)) == 34
    for office in offices:
        match = AGENCY_CODE.fullmatch(office.agency_code)
        assert match, office.agency_code
        assert int(match.group(1)) == office.province_code
        assert office.name.startswith("Bảo hiểm xã hội ")
        assert office.name_en.endswith("Social Security Office")
        assert office.is_active
        assert office.parent is None


def test_office_names_follow_the_province_kind():
    assert provincial_office_for(province_code=1).name == "Bảo hiểm xã hội thành phố Hà Nội"
    assert provincial_office_for(province_code=4).name == "Bảo hiểm xã hội tỉnh Cao Bằng"
    assert provincial_office_for(province_code=79).name_en == (
        "Hồ Chí Minh City Social Security Office"
    )


def test_sync_is_idempotent_and_keeps_edited_offices():
    hanoi = provincial_office_for(province_code=1)
    hanoi.name = "Bảo hiểm xã hội Hà Nội (tên đã sửa)"
    hanoi.agency_code = "000.00.01.H99"
    hanoi.save(update_fields=["name", "agency_code"])
    provincial_office_for(province_code=4).delete()

    assert provincial_offices_sync() == 1
    assert provincial_offices_sync() == 0

    assert _provincial().count() == 34
    hanoi.refresh_from_db()
    assert hanoi.name == "Bảo hiểm xã hội Hà Nội (tên đã sửa)"
    assert hanoi.agency_code == "000.00.01.H99"
    assert provincial_office_for(province_code=4).agency_code == "000.00.04.G12"


def test_sync_rebuilds_the_register_from_nothing():
    Office.objects.all().delete()

    assert provincial_offices_sync() == 34
    assert {o.province_code for o in _provincial()} == PROVINCE_CODES


def test_a_second_provincial_office_for_a_province_is_rejected():
    with pytest.raises(IntegrityError), transaction.atomic():
        Office.objects.create(
            agency_code="000.00.01.X12",
            name="Bảo hiểm xã hội thành phố Hà Nội (bản sao)",
            kind=OfficeKind.PROVINCIAL,
            province_code=1,
        )

    assert _provincial().filter(province_code=1).count() == 1


def test_base_offices_may_share_a_province():
    parent = provincial_office_for(province_code=1)
    for number in (1, 2):
        Office.objects.create(
            agency_code=f"000.{number:02d}.01.G12",
            name=f"Bảo hiểm xã hội cơ sở {number}",
            kind=OfficeKind.BASE,
            province_code=1,
            parent=parent,
        )

    assert Office.objects.filter(province_code=1).count() == 3


def test_agency_codes_are_unique():
    with pytest.raises(IntegrityError), transaction.atomic():
        Office.objects.create(
            agency_code="000.00.01.G12",
            name="Bảo hiểm xã hội cơ sở trùng mã",
            kind=OfficeKind.BASE,
            province_code=1,
        )


@pytest.mark.parametrize(
    ("province_code", "name"),
    [(1, "Thành phố Hà Nội"), (4, "Cao Bằng"), (79, "Thành phố Hồ Chí Minh")],
)
def test_office_province_name(province_code, name):
    assert provincial_office_for(province_code=province_code).province_name == name


def test_province_name_of_an_unknown_code_is_empty():
    assert Office(province_code=99, kind=OfficeKind.BASE).province_name == ""

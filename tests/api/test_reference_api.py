"""Reference data over the API: provinces and communes, offices, health facilities and the
officers of an office for `assign` (issue #20)."""

import pytest
from rest_framework.test import APIClient

from accounts.constants import Role
from beneficiaries.models import HealthFacility
from tests.api.conftest import session_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_34_provinces_and_their_communes_are_public_and_cacheable():
    anonymous = APIClient()

    provinces = anonymous.get("/api/v1/provinces/")
    assert provinces.status_code == 200
    assert len(provinces.json()) == 34
    hanoi = next(p for p in provinces.json() if p["code"] == 1)
    assert hanoi["name"] == "Thành phố Hà Nội"
    assert provinces["Cache-Control"].startswith("public")
    again = anonymous.get("/api/v1/provinces/", HTTP_IF_NONE_MATCH=provinces["ETag"])
    assert again.status_code == 304

    communes = anonymous.get(hanoi["communes_url"])
    assert communes.status_code == 200
    names = [c["name"] for c in communes.json()]
    assert "Phường Hoàn Kiếm" in names
    assert {c["province_code"] for c in communes.json()} == {1}
    missing = anonymous.get("/api/v1/provinces/99/communes/")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"


def test_offices_give_agency_code_phone_and_opening_hours(
    offices, ivan, django_assert_max_num_queries
):
    hanoi = offices[1]
    hanoi.phone = "024 3883 6688"
    hanoi.opening_hours = [{"days": [1, 2, 3, 4, 5], "opens": "07:30", "closes": "17:00"}]
    hanoi.save(update_fields=["phone", "opening_hours"])

    listing = ivan.client.get("/api/v1/offices/", {"province_code": 1})
    assert listing.status_code == 200
    [office] = listing.json()["results"]
    assert office["agency_code"] == hanoi.agency_code
    assert office["phone"] == "024 3883 6688"
    assert office["opening_hours"][0]["opens"] == "07:30"
    assert office["officers_url"].endswith(f"/offices/{hanoi.agency_code}/officers/")
    with django_assert_max_num_queries(2):  # the page, parents joined: none per office
        everything = APIClient().get("/api/v1/offices/", {"page_size": 100}).json()["results"]
    assert len(everything) == 34
    assert APIClient().get("/api/v1/offices/", {"province_code": "x"}).status_code == 400


def test_opening_hours_are_checked():
    from django.core.exceptions import ValidationError

    from offices.validators import validate_opening_hours

    validate_opening_hours([{"days": [1, 5], "opens": "07:30", "closes": "11:30"}])
    for bad in (
        [{"days": [8], "opens": "07:30", "closes": "11:30"}],
        [{"days": [1], "opens": "13:00", "closes": "11:30"}],
        [{"days": [1], "opens": "7h30", "closes": "11:30"}],
        {"days": [1]},
    ):
        with pytest.raises(ValidationError):
            validate_opening_hours(bad)


def test_health_facilities_by_province_and_name():
    HealthFacility.objects.create(code="01929", name="Bệnh viện Bạch Mai", province_code=1)
    HealthFacility.objects.create(code="79024", name="Bệnh viện Chợ Rẫy", province_code=79)

    in_hanoi = APIClient().get("/api/v1/health-facilities/", {"province_code": 1}).json()
    found = APIClient().get("/api/v1/health-facilities/", {"q": "chợ rẫy"}).json()
    by_code = APIClient().get("/api/v1/health-facilities/", {"q": "01929"}).json()

    assert [f["code"] for f in in_hanoi["results"]] == ["01929"]
    assert [f["code"] for f in found["results"]] == ["79024"]
    assert [f["name"] for f in by_code["results"]] == ["Bệnh viện Bạch Mai"]


def test_a_leader_finds_whom_to_assign_and_assigns_by_that_id(
    officers, offices, citizen_client, ivan, catalogue
):
    from dossiers.constants import DossierState
    from tests.dossiers.factories import make_dossier

    hanoi = offices[1]
    UserFactory(role=Role.PROCESSING_OFFICER, office=hanoi, is_active=False, full_name="Nghỉ")
    UserFactory(role=Role.PROCESSING_OFFICER, office=offices[79], full_name="Ở nơi khác")
    leader = session_client(officers["leader"])
    url = f"/api/v1/offices/{hanoi.agency_code}/officers/"

    listing = leader.get(url)
    assert listing.status_code == 200
    people = listing.json()["results"]
    assert {(p["id"], p["role"], p["assignable"]) for p in people} == {
        (officers["processing"].pk, "processing_officer", True),
        (officers["leader"].pk, "office_leader", False),
    }
    [officer] = [p for p in people if p["assignable"]]
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"], state=DossierState.RECEIVED, office=hanoi
    )
    assigned = leader.post(
        f"/api/v1/dossiers/{dossier.code}/actions/assign/",
        {"officer": officer["id"]},
        format="json",
    )
    assert assigned.status_code == 200, assigned.content

    # Officers only, of this office: a citizen is refused, another office's officer gets
    # 404, a partner token is refused; a supervisor sees any office.
    assert citizen_client.get(url).status_code == 403
    elsewhere = session_client(UserFactory(role=Role.OFFICE_LEADER, office=offices[79]))
    assert elsewhere.get(url).status_code == 404
    assert ivan.client.get(url).status_code == 403
    supervisor = session_client(UserFactory(role=Role.SUPERVISOR))
    assert supervisor.get(url).status_code == 200
    assert leader.get("/api/v1/offices/NOPE/officers/").status_code == 404

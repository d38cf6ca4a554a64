"""The office leader's page: mark officers absent, turn automatic assignment on (issue #17)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.constants import Role
from accounts.models import User
from offices.models import Office
from tests.factories import UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 11, 23, 9, 30, tzinfo=VN)
URL = reverse("accounts:office_team")


@pytest.fixture
def people(offices):
    hn = offices[1]
    return {
        "leader": UserFactory(username="t-leader", role=Role.OFFICE_LEADER, office=hn),
        "officer": UserFactory(username="t-officer", role=Role.PROCESSING_OFFICER, office=hn),
        "other": UserFactory(username="t-other", role=Role.PROCESSING_OFFICER, office=offices[79]),
    }


@pytest.mark.django_db
@time_machine.travel(MONDAY, tick=False)
def test_leader_marks_an_officer_absent_and_the_page_says_so(client, people):
    client.force_login(people["leader"])
    response = client.post(
        URL, {"officer": people["officer"].pk, "absent_until": "2026-11-27"}, follow=True
    )
    assert response.status_code == 200
    assert User.objects.get(pk=people["officer"].pk).absent_until == dt.date(2026, 11, 27)
    row = response.content.decode()
    assert "27/11/2026" in row
    assert "t-other" not in row  # only the leader's own office is listed


@pytest.mark.django_db
@time_machine.travel(MONDAY, tick=False)
def test_leader_marks_an_officer_present_again(client, people):
    people["officer"].absent_until = dt.date(2026, 11, 27)
    people["officer"].save(update_fields=["absent_until"])
    client.force_login(people["leader"])
    client.post(URL, {"officer": people["officer"].pk, "absent_until": ""})
    assert User.objects.get(pk=people["officer"].pk).absent_until is None


@pytest.mark.django_db
def test_bad_date_gets_a_field_message(client, people):
    client.force_login(people["leader"])
    response = client.post(URL, {"officer": people["officer"].pk, "absent_until": "31/02/x"})
    assert response.status_code == 400
    assert f'id="id_o{people["officer"].pk}_absent_until_error"' in response.content.decode()
    assert User.objects.get(pk=people["officer"].pk).absent_until is None


@pytest.mark.django_db
def test_leader_cannot_mark_another_offices_officer(client, people):
    client.force_login(people["leader"])
    response = client.post(URL, {"officer": people["other"].pk, "absent_until": "2026-11-27"})
    assert response.status_code == 403
    assert User.objects.get(pk=people["other"].pk).absent_until is None


@pytest.mark.django_db
def test_leader_turns_automatic_assignment_on(client, people, offices):
    client.force_login(people["leader"])
    client.post(URL, {"auto_assign_submit": "1", "auto_assign": "on"})
    assert Office.objects.get(pk=offices[1].pk).auto_assign is True
    client.post(URL, {"auto_assign_submit": "1"})
    assert Office.objects.get(pk=offices[1].pk).auto_assign is False


@pytest.mark.django_db
def test_officers_cannot_open_the_page(client, people):
    client.force_login(people["officer"])
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
@time_machine.travel(MONDAY, tick=False)
def test_assign_form_hints_absent_officers(client, people, catalogue, offices):
    from dossiers.constants import DossierState
    from tests.dossiers.factories import make_dossier

    people["officer"].absent_until = dt.date(2026, 11, 27)
    people["officer"].save(update_fields=["absent_until"])
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"], state=DossierState.RECEIVED, office=offices[1]
    )
    client.force_login(people["leader"])
    response = client.get(reverse("dossiers:detail", kwargs={"reference": dossier.reference}))
    assert "27/11/2026" in response.content.decode()

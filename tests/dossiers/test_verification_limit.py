"""SI book re-issue: 15 days, or up to 45 when the officer records that verification is needed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.constants import Role
from dossiers.constants import DossierState, EventKind
from dossiers.exceptions import DossierError, NotAllowed
from dossiers.services import (
    dossier_assign,
    dossier_counter_receive,
    dossier_verification_record,
)
from tests.dossiers.test_intake_services import counter_draft, paper_lines
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIVED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=HCM)  # a Monday
LATER = dt.datetime(2026, 11, 10, 10, 0, tzinfo=HCM)


@pytest.fixture
def staff(offices):
    return {
        "officer": UserFactory(
            username="officer-hn", role=Role.PROCESSING_OFFICER, office=offices[1]
        ),
        "leader": UserFactory(username="leader-hn", role=Role.OFFICE_LEADER, office=offices[1]),
    }


def _in_processing(catalogue, counter_hn, staff, slug):
    with time_machine.travel(RECEIVED, tick=False):
        draft = counter_draft(catalogue, counter_hn, slug, province=1)
        received = dossier_counter_receive(
            dossier=draft, officer=counter_hn, receipts=paper_lines(draft)
        )
        return dossier_assign(dossier=received, leader=staff["leader"], officer=staff["officer"])


def test_recorded_verification_moves_the_appointed_time_to_45_days(catalogue, counter_hn, staff):
    dossier = _in_processing(catalogue, counter_hn, staff, "si-book-reissue")
    assert dossier.due_at == dt.datetime(2026, 11, 17, 9, 0, tzinfo=HCM)  # 15 days

    with time_machine.travel(LATER, tick=False):
        extended = dossier_verification_record(
            dossier=dossier,
            officer=staff["officer"],
            reason="Xác minh quá trình đóng BHXH 2010-2015 tại đơn vị cũ",
        )

    assert extended.state == DossierState.IN_PROCESSING
    assert extended.due_at == dt.datetime(2026, 12, 17, 9, 0, tzinfo=HCM)  # 45 days
    assert extended.original_due_at == extended.due_at  # the statutory limit, not an apology
    assert extended.statutory_due_at == extended.due_at
    event = extended.events.get(kind=EventKind.VERIFICATION_NEEDED)
    assert event.citizen_visible
    assert event.reason.startswith("Xác minh")
    assert event.payload["time_limit"] == 45

    with time_machine.travel(LATER, tick=False), pytest.raises(DossierError):
        dossier_verification_record(dossier=extended, officer=staff["officer"], reason="again")


def test_procedures_without_a_longer_limit_cannot_be_extended(catalogue, counter_hn, staff):
    dossier = _in_processing(catalogue, counter_hn, staff, "si-book-correction")

    with time_machine.travel(LATER, tick=False), pytest.raises(DossierError):
        dossier_verification_record(dossier=dossier, officer=staff["officer"], reason="x")


def test_only_the_assigned_officer_or_the_leader_records_verification(catalogue, counter_hn, staff):
    dossier = _in_processing(catalogue, counter_hn, staff, "si-book-reissue")

    with time_machine.travel(LATER, tick=False), pytest.raises(NotAllowed):
        dossier_verification_record(dossier=dossier, officer=counter_hn, reason="x")


def test_officer_records_verification_from_the_dossier_page(client, catalogue, counter_hn, staff):
    dossier = _in_processing(catalogue, counter_hn, staff, "si-book-reissue")
    client.force_login(staff["officer"])
    url = reverse("dossiers:detail", args=[dossier.reference])

    with time_machine.travel(LATER, tick=False):
        page = client.get(url).content.decode()
        response = client.post(
            reverse("dossiers:act", args=[dossier.reference, "verification"]),
            {"revision": dossier.revision, "reason": "Xác minh quá trình đóng"},
        )
        after = client.get(url).content.decode()

    assert 'data-testid="action-verification"' in page
    assert response.status_code == 302
    assert "17/12/2026" in after
    assert 'data-testid="action-verification"' not in after


def test_api_action_records_verification_and_refuses_a_second_time(catalogue, counter_hn, staff):
    from rest_framework.test import APIClient

    dossier = _in_processing(catalogue, counter_hn, staff, "si-book-reissue")
    api = APIClient()
    api.force_login(staff["officer"])
    url = f"/api/v1/dossiers/{dossier.code}/actions/verification/"

    with time_machine.travel(LATER, tick=False):
        done = api.post(url, {"reason": "Xác minh quá trình đóng"}, format="json")
        again = api.post(url, {"reason": "Lần nữa"}, format="json")
        missing_reason = api.post(url, {}, format="json")

    assert done.status_code == 200, done.content
    assert done.json()["due_at"].startswith("2026-12-17T09:00")
    assert again.status_code == 400
    assert again["Content-Type"].startswith("application/problem+json")
    assert missing_reason.status_code == 400

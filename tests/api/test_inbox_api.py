"""The citizen app's inbox over the API: list, unread count, mark read (issue #20)."""

import pytest
import time_machine

from dossiers.constants import DossierState, EventKind
from dossiers.models import DossierEvent
from notifications.constants import NotificationChannel
from notifications.models import Notification
from tests.api.conftest import session_client
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _message(dossier, user, subject, *, channel=NotificationChannel.INBOX):
    event = DossierEvent.objects.create(
        dossier=dossier, kind=EventKind.TRANSITION, citizen_visible=True
    )
    return Notification.objects.create(
        event=event, recipient=user, channel=channel, subject=subject, body=f"{subject}."
    )


@pytest.fixture
def messages(citizen, catalogue, offices):
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state=DossierState.SUPPLEMENT_REQUESTED,
        office=offices[1],
        applicant=citizen,
    )
    made = []
    for day, subject in enumerate(["Đã tiếp nhận", "Yêu cầu bổ sung", "Có kết quả"], start=24):
        with time_machine.travel(f"2026-11-{day}T09:00:00+07:00", tick=False):
            made.append(_message(dossier, citizen, subject))
    _message(dossier, citizen, "Thư điện tử", channel=NotificationChannel.EMAIL)
    other = UserFactory(citizen=True)
    _message(dossier, other, "Của người khác")
    return dossier, made


def test_the_citizen_reads_the_inbox_and_marks_messages_read(
    citizen_client, messages, django_assert_max_num_queries
):
    dossier, made = messages

    with django_assert_max_num_queries(4):  # session, user, the page; no query per message
        page = citizen_client.get("/api/v1/inbox/", {"page_size": 2})
    assert page.status_code == 200
    body = page.json()
    assert [m["subject"] for m in body["results"]] == ["Có kết quả", "Yêu cầu bổ sung"]
    assert body["results"][0]["dossier"]["code"] == dossier.code
    assert body["results"][0]["read_at"] is None
    rest = citizen_client.get(body["next"]).json()
    assert [m["subject"] for m in rest["results"]] == ["Đã tiếp nhận"]
    assert citizen_client.get("/api/v1/inbox/unread-count/").json() == {"unread": 3}

    with time_machine.travel("2026-11-27T18:30:00+07:00", tick=False):
        read = citizen_client.post(f"/api/v1/inbox/{made[2].pk}/read/")
    assert read.status_code == 200
    assert read.json()["read_at"].startswith("2026-11-27T18:30:00")
    again = citizen_client.post(f"/api/v1/inbox/{made[2].pk}/read/")
    assert again.json()["read_at"] == read.json()["read_at"]  # the first reading stays
    assert citizen_client.get("/api/v1/inbox/unread-count/").json() == {"unread": 2}
    unread = citizen_client.get("/api/v1/inbox/", {"unread": "true"}).json()["results"]
    assert [m["subject"] for m in unread] == ["Yêu cầu bổ sung", "Đã tiếp nhận"]

    assert citizen_client.post("/api/v1/inbox/read/").json() == {"marked": 2}
    assert citizen_client.get("/api/v1/inbox/unread-count/").json() == {"unread": 0}


def test_nobody_reads_or_marks_another_persons_messages(
    other_citizen_client, citizen_client, messages, ivan, officers
):
    _dossier, made = messages

    mine = other_citizen_client.get("/api/v1/inbox/").json()["results"]
    assert [m["subject"] for m in mine] == []  # a fresh citizen: nothing of the other's
    response = other_citizen_client.post(f"/api/v1/inbox/{made[0].pk}/read/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert Notification.objects.get(pk=made[0].pk).read_at is None
    # A partner token is refused; an anonymous client must sign in.
    assert ivan.client.get("/api/v1/inbox/").status_code == 403
    assert ivan.client.get("/api/v1/inbox/unread-count/").status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/inbox/unread-count/").status_code == 401
    # An officer has an inbox of their own, without the citizen's messages.
    staff = session_client(officers["counter"]).get("/api/v1/inbox/").json()["results"]
    assert staff == []


def test_a_bad_filter_is_a_problem_not_a_crash(citizen_client, messages):
    response = citizen_client.get("/api/v1/inbox/", {"unread": "maybe"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"

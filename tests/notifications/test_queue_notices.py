"""A signed-in citizen holding a queue ticket hears when three people are ahead and when
it is called (inbox and SMS), once each, through the outbox."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from notifications.models import Notification
from outbox.models import OutboxMessage
from outbox.services import message_deliver
from queues.services import ticket_call_next, ticket_issue, ticket_issue_remote
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 23, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
HANDLERS = (
    "notifications.handlers.ticket_ahead_notify",
    "notifications.handlers.ticket_called_notify",
)


def _deliver_all() -> int:
    pending = OutboxMessage.objects.filter(handler__in=HANDLERS).values_list("pk", flat=True)
    return sum(message_deliver(message_id=pk) for pk in pending)


def test_citizen_is_told_three_ahead_then_called_once_each(office, groups, counter, officer):
    citizen = UserFactory(citizen=True, phone="0912345678", preferred_language="vi")
    with time_machine.travel(MONDAY, tick=False):
        for _ in range(4):
            ticket_issue(office=office, group=groups["benefits"])
        mine = ticket_issue_remote(office=office, group=groups["benefits"], citizen=citizen)
        ticket_call_next(counter=counter, officer=officer)  # four left before mine: 3 ahead
        assert _deliver_all() == 1
        told = Notification.objects.filter(recipient=citizen).order_by("channel")
        assert [(n.channel, n.event_id) for n in told] == [("inbox", None), ("sms", None)]
        assert all(n.status == "sent" for n in told)
        assert str(mine.number) in told[0].subject
        assert "3" in told[0].body or "ba" in told[0].body.lower()
        for _ in range(4):
            ticket_call_next(counter=counter, officer=officer)
        assert _deliver_all() == 1  # only the call of mine: kiosk tickets have nobody to tell
        called = Notification.objects.filter(recipient=citizen, about__startswith="queues.called")
        assert called.count() == 2
        assert "1" in called.get(channel="sms").body  # counter 1

    # A repeated delivery (relay and sweep) sends nothing twice.
    OutboxMessage.objects.filter(handler__in=HANDLERS).update(status="pending")
    _deliver_all()
    assert Notification.objects.filter(recipient=citizen).count() == 4


def test_the_inbox_api_shows_a_queue_notice_without_a_dossier(
    client, office, groups, counter, officer
):
    from django.urls import reverse

    citizen = UserFactory(citizen=True)
    with time_machine.travel(MONDAY, tick=False):
        ticket_issue_remote(office=office, group=groups["benefits"], citizen=citizen)
        ticket_call_next(counter=counter, officer=officer)
        _deliver_all()
    assert Notification.objects.filter(recipient=citizen).count() == 1  # no phone: inbox only
    client.force_login(citizen)
    page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200
    assert "2001" in page.content.decode()

    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(citizen)
    [item] = api.get("/api/v1/inbox/").json()["results"]
    assert (item["event"], item["dossier"]) == (None, None)
    assert "2001" in item["subject"]

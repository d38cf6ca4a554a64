"""The transactional outbox: rows written with the change, relay, sweep, retries, purge."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from dossiers.constants import DossierState, SlipKind
from dossiers.models import Slip
from dossiers.services import dossier_submit
from notifications import handlers as notifications_handlers
from notifications.models import Notification
from outbox import services as outbox_services
from outbox.constants import MessageStatus
from outbox.models import OutboxMessage
from outbox.registry import subscribe
from outbox.services import message_deliver, message_publish, outbox_purge, outbox_sweep
from tests.dossiers.conftest import complete_sickness_draft
from tests.factories import UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOON = dt.datetime(2026, 11, 24, 12, 0, tzinfo=VN)
pytestmark = pytest.mark.django_db

SUBMISSION_HANDLERS = {
    "dossiers.handlers.reception_slip",
    "partners.handlers.webhooks_for_event",
    "dashboards.handlers.rollups_mark",
}

CALLS: list[int] = []


def failing_handler(message):
    """A handler of the tests below: writes a slip-free marker, then fails."""
    CALLS.append(message.pk)
    OutboxMessage.objects.create(topic="tests.side-write", handler="x", ref_id=message.pk)
    raise OSError("the agency did not answer")


subscribe("tests.failing", handler="tests.outbox.test_outbox.failing_handler")


def _submit_without_relay(catalogue, citizen, django_capture_on_commit_callbacks):
    """Submit, committing the rows but dropping the after-commit relay (a dead broker)."""
    draft = complete_sickness_draft(catalogue, citizen)
    with django_capture_on_commit_callbacks(execute=False):
        return dossier_submit(dossier=draft, actor=citizen)


def _rows_of(dossier):
    return OutboxMessage.objects.filter(payload__dossier_id=dossier.pk)


@time_machine.travel(NOON, tick=False)
def test_submission_writes_its_outbox_rows_and_a_rollback_takes_them_back(
    catalogue, citizen, offices, django_capture_on_commit_callbacks
):
    draft = complete_sickness_draft(catalogue, citizen)
    seen = []

    def submit_then_fail():
        with transaction.atomic():
            dossier_submit(dossier=draft, actor=citizen)
            seen.extend(_rows_of(draft).values_list("handler", flat=True))
            raise RuntimeError("the request failed after the submission")

    with pytest.raises(RuntimeError):
        submit_then_fail()
    assert set(seen) == SUBMISSION_HANDLERS
    assert not _rows_of(draft).exists()

    submitted = _submit_without_relay(catalogue, citizen, django_capture_on_commit_callbacks)
    rows = _rows_of(submitted)
    assert {row.handler for row in rows} == SUBMISSION_HANDLERS
    assert {row.status for row in rows} == {MessageStatus.PENDING}
    assert not submitted.slips.exists()  # nothing happened yet: the relay did not run


@time_machine.travel(NOON, tick=False)
def test_a_row_delivered_twice_has_its_effect_once(
    catalogue, citizen, offices, django_capture_on_commit_callbacks
):
    submitted = _submit_without_relay(catalogue, citizen, django_capture_on_commit_callbacks)
    slip_row = _rows_of(submitted).get(handler="dossiers.handlers.reception_slip")

    with django_capture_on_commit_callbacks(execute=True):
        assert message_deliver(message_id=slip_row.pk) is True
        assert message_deliver(message_id=slip_row.pk) is False  # relay and sweep both
    slip_row.refresh_from_db()
    assert slip_row.status == MessageStatus.DELIVERED
    assert slip_row.attempts == 1
    assert Slip.objects.filter(dossier=submitted, kind=SlipKind.RECEPTION).count() == 1
    # The slip published the confirmation, delivered at once (eager relay): one of each.
    channels = Notification.objects.filter(event__dossier=submitted).values_list(
        "channel", flat=True
    )
    assert sorted(channels) == ["email", "inbox", "sms"]
    confirmation = OutboxMessage.objects.get(handler="notifications.handlers.citizen_notify")
    with django_capture_on_commit_callbacks(execute=True):  # an administrator insists
        assert outbox_services.message_retry(message_ids=[confirmation.pk]) == 0  # delivered
    assert message_deliver(message_id=confirmation.pk) is False
    notifications_handlers.citizen_notify(confirmation)  # the handler itself, run again
    assert Notification.objects.filter(event__dossier=submitted).count() == 3
    assert len(mail.outbox) == 1


def test_the_sweep_delivers_what_the_relay_left(
    catalogue, citizen, offices, django_capture_on_commit_callbacks, settings
):
    with time_machine.travel(NOON, tick=False):
        submitted = _submit_without_relay(catalogue, citizen, django_capture_on_commit_callbacks)
    with time_machine.travel(NOON + dt.timedelta(seconds=2), tick=False):
        assert outbox_sweep() == 0  # too fresh: the relay may still be on it
    with (
        time_machine.travel(NOON + dt.timedelta(seconds=60), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert outbox_sweep() == 3
        assert outbox_sweep() == 0  # delivered: nothing left
    assert {row.status for row in _rows_of(submitted)} == {MessageStatus.DELIVERED}
    assert submitted.slips.filter(kind=SlipKind.RECEPTION).count() == 1
    assert Notification.objects.filter(event__dossier=submitted, channel="inbox").count() == 1


@time_machine.travel(NOON, tick=False)
def test_a_failing_handler_is_retried_with_backoff_then_marked_failed(
    settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_PROPAGATE_ERRORS = False
    settings.OUTBOX_MAX_ATTEMPTS = 2
    CALLS.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        [row] = message_publish(topic="tests.failing", ref_id=7)
    row.refresh_from_db()
    # Delivered on commit (eager relay): failed once, its own writes rolled back with it.
    assert row.status == MessageStatus.PENDING
    assert row.attempts == 1
    assert "the agency did not answer" in row.last_error
    assert row.available_at > dt.datetime.now(tz=VN)  # backoff
    assert not OutboxMessage.objects.filter(topic="tests.side-write").exists()

    assert outbox_sweep() == 0  # not due yet
    later = dt.datetime.now(tz=VN) + dt.timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        assert outbox_sweep() == 1
    row.refresh_from_db()
    assert row.status == MessageStatus.FAILED
    assert row.attempts == 2
    assert CALLS == [row.pk, row.pk]
    with time_machine.travel(later + dt.timedelta(hours=2), tick=False):
        assert outbox_sweep() == 0  # failed rows wait for an administrator


def test_administrators_see_the_outbox_and_retry_failed_rows(
    client, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_PROPAGATE_ERRORS = False
    row = OutboxMessage.objects.create(
        topic="tests.failing",
        handler="tests.outbox.test_outbox.failing_handler",
        status=MessageStatus.FAILED,
        attempts=8,
        last_error="OSError: the agency did not answer",
    )
    admin = UserFactory(username="outbox-admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:outbox_outboxmessage_changelist"), {"status": "failed"})
    assert page.status_code == 200
    assert "tests.outbox.test_outbox.failing_handler" in page.text

    CALLS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:outbox_outboxmessage_changelist"),
            {"action": "retry_now", "_selected_action": [row.pk]},
            follow=True,
        )
    assert response.status_code == 200
    row.refresh_from_db()
    assert CALLS == [row.pk]  # handed over again at once
    assert row.attempts == 1  # counted afresh
    assert row.status == MessageStatus.PENDING


def test_old_delivered_rows_are_purged_and_failed_ones_kept(settings):
    settings.OUTBOX_RETENTION_DAYS = 14
    with time_machine.travel(NOON, tick=False):
        old = OutboxMessage.objects.create(
            topic="t", handler="h", status=MessageStatus.DELIVERED, delivered_at=NOON
        )
        failed = OutboxMessage.objects.create(topic="t", handler="h", status=MessageStatus.FAILED)
        recent = OutboxMessage.objects.create(
            topic="t",
            handler="h",
            status=MessageStatus.DELIVERED,
            delivered_at=NOON + dt.timedelta(days=10),
        )
    with time_machine.travel(NOON + dt.timedelta(days=15), tick=False):
        assert outbox_purge() == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {failed.pk, recent.pk}
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


@time_machine.travel(NOON, tick=False)
def test_with_the_broker_down_a_submission_answers_at_once_and_its_rows_wait(
    catalogue, citizen, offices, django_capture_on_commit_callbacks, dead_broker
):
    draft = complete_sickness_draft(catalogue, citizen)
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = dossier_submit(dossier=draft, actor=citizen)
    assert time.perf_counter() - started < 5
    assert submitted.state == DossierState.SUBMITTED
    assert submitted.code
    rows = _rows_of(submitted)
    assert {row.handler for row in rows} == SUBMISSION_HANDLERS
    assert {row.status for row in rows} == {MessageStatus.PENDING}
    assert {row.attempts for row in rows} == {0}

"""Deadline tracking: due-soon warnings, late flags, escalation, apology drafts, deliveries.

Calendar used below (holidays.VN 2026): Thu 30 Apr and Fri 1 May are public holidays, so
after Wed 29 Apr the next working day is Mon 4 May. Tết 2026 closes Mon 16 - Fri 20 Feb;
with the weekends around it, after Fri 13 Feb the next working day is Mon 23 Feb. Office
hours are 08:00-17:00.
"""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from accounts.constants import Role
from dossiers import sla
from dossiers.constants import DossierState as S
from dossiers.constants import EventKind, SlipKind
from dossiers.exceptions import DossierError, NotAllowed
from dossiers.models import Dossier, DossierEvent
from dossiers.tasks import RETRYING, sla_due_soon_sweep_task, sla_overdue_sweep_task
from notifications.constants import Audience, DeliveryStatus
from notifications.models import DeliveryAttempt, Notification
from notifications.services import MAX_DELIVERY_ATTEMPTS
from notifications.tasks import staff_notify
from procedures.models import ProcedureVersion
from procedures.selectors import version_in_force
from tests.dossiers.factories import make_dossier
from tests.factories import UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def at(*args):
    return dt.datetime(*args, tzinfo=VN)


class UnreachableSmtpBackend(BaseEmailBackend):
    """The mail server cannot be reached (what leaves the machine is all that is faked)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server unreachable")


class RejectingBackend(BaseEmailBackend):
    """A fault that retrying cannot cure."""

    def send_messages(self, email_messages):
        raise ValueError("malformed message")


@pytest.fixture
def staff(offices):
    hn, hcm = offices[1], offices[79]
    return {
        "officer": UserFactory(
            username="sla-officer",
            role=Role.PROCESSING_OFFICER,
            office=hn,
            email="officer@vss.example",
            preferred_language="en",
        ),
        "leader": UserFactory(
            username="sla-leader",
            role=Role.OFFICE_LEADER,
            office=hn,
            email="leader@vss.example",
            preferred_language="en",
        ),
        "deputy": UserFactory(
            username="sla-deputy",
            role=Role.OFFICE_LEADER,
            office=hn,
            email="",
            preferred_language="en",
        ),
        "retired_leader": UserFactory(
            username="sla-retired",
            role=Role.OFFICE_LEADER,
            office=hn,
            email="retired@vss.example",
            is_active=False,
        ),
        "other_leader": UserFactory(
            username="sla-hcm-leader",
            role=Role.OFFICE_LEADER,
            office=hcm,
            email="hcm@vss.example",
        ),
    }


@pytest.fixture
def citizen(db):
    return UserFactory(
        citizen=True,
        username="sla-citizen",
        email="citizen@example.vn",
        phone="0912345678",
        preferred_language="vi",
    )


def dossier_for(catalogue, offices, *, state=S.IN_PROCESSING, due_at, slug="sickness-benefit", **k):
    return make_dossier(
        procedure=catalogue[slug], state=state, office=offices[1], due_at=due_at, **k
    )


@pytest.fixture
def eager_retries():
    """Eager Celery runs a task's retries at once, unless errors propagate to the caller."""
    from vss_portal.celery import app

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = propagates


def staff_rows(event):
    return {
        (n.recipient.username, n.channel): n
        for n in Notification.objects.filter(event=event, audience=Audience.STAFF).select_related(
            "recipient"
        )
    }


# --- the sweeps read what their partial indexes hold -------------------------------------


def test_sweep_states_are_those_of_the_partial_indexes():
    indexes = {index.name: index for index in Dossier._meta.indexes}

    def states(name):
        (condition,) = [c for c in indexes[name].condition.children if c[0] == "state__in"]
        return tuple(condition[1])

    assert states("dossier_due_soon_sweep_idx") == sla.DUE_SOON_STATES
    assert states("dossier_overdue_sweep_idx") == sla.OVERDUE_STATES
    flags = {
        name: [c for c in indexes[name].condition.children if c[0].endswith("__isnull")]
        for name in ("dossier_due_soon_sweep_idx", "dossier_overdue_sweep_idx")
    }
    assert flags["dossier_due_soon_sweep_idx"] == [("due_soon_warned_at__isnull", True)]
    assert flags["dossier_overdue_sweep_idx"] == [("overdue_flagged_at__isnull", True)]


# --- due soon --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_due_soon_warns_officer_and_leaders_across_a_holiday_weekend(
    catalogue, offices, staff, django_capture_on_commit_callbacks
):
    # Due Mon 4 May 10:00, warned 8 working hours ahead: Mon 08-10 (2h) and Wed 29 Apr
    # 11-17 (6h), skipping the 30 Apr / 1 May holidays and the weekend: Wed 29 Apr 11:00.
    version = version_in_force(procedure=catalogue["sickness-benefit"])
    assert version.due_soon_hours == 8
    dossier = dossier_for(
        catalogue, offices, due_at=at(2026, 5, 4, 10), assigned_to=staff["officer"]
    )
    assert sla.due_soon_threshold(dossier.due_at, 8) == at(2026, 4, 29, 11)

    with time_machine.travel(at(2026, 4, 29, 10, 55), tick=False):
        assert sla_due_soon_sweep_task.delay().get() == 0
    assert not DossierEvent.objects.filter(kind=EventKind.DUE_SOON).exists()

    with (
        time_machine.travel(at(2026, 4, 29, 11, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        assert sla_due_soon_sweep_task.delay().get() == 1
    assert len(callbacks) == 1
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.due_soon_warned_at == at(2026, 4, 29, 11, 0)
    assert fresh.revision == dossier.revision  # the officer's open page stays valid
    event = fresh.events.get(kind=EventKind.DUE_SOON)
    assert not event.citizen_visible
    assert event.actor is None
    assert event.payload["due_soon_hours"] == 8
    assert event.payload["officer_id"] == staff["officer"].pk
    assert sorted(event.payload["leader_ids"]) == sorted([staff["leader"].pk, staff["deputy"].pk])

    rows = staff_rows(event)
    assert set(rows) == {
        ("sla-officer", "inbox"),
        ("sla-officer", "email"),
        ("sla-leader", "inbox"),
        ("sla-leader", "email"),
        ("sla-deputy", "inbox"),  # no e-mail address: inbox only
    }
    assert {n.status for n in rows.values()} == {DeliveryStatus.SENT}
    assert sorted(m.to[0] for m in mail.outbox) == ["leader@vss.example", "officer@vss.example"]
    message = rows[("sla-officer", "email")]
    assert message.subject == f"Dossier {dossier.code} is due soon"
    assert "10:00 04/05/2026" in message.body  # shown in Vietnam time
    assert f"/dossiers/d/{dossier.reference}/" in message.body
    assert not Notification.objects.filter(audience=Audience.CITIZEN).exists()

    # A second sweep, and the notification task run again, send nothing twice.
    with (
        time_machine.travel(at(2026, 4, 29, 11, 5), tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        assert sla.sla_sweep_due_soon() == 0
        staff_notify.delay(event.pk, [staff["officer"].pk, staff["leader"].pk])
    assert callbacks == []
    assert DossierEvent.objects.filter(kind=EventKind.DUE_SOON).count() == 1
    assert Notification.objects.count() == 5
    assert len(mail.outbox) == 2
    assert DeliveryAttempt.objects.count() == 5


@pytest.mark.django_db
def test_warning_window_is_set_per_procedure_and_zero_turns_it_off(catalogue, offices, staff):
    due = at(2026, 5, 4, 10)
    versions = {
        slug: version_in_force(procedure=catalogue[slug])
        for slug in ("sickness-benefit", "maternity-benefit-employer", "funeral-allowance")
    }
    versions["maternity-benefit-employer"].__class__.objects.filter(
        pk=versions["maternity-benefit-employer"].pk
    ).update(due_soon_hours=16)
    versions["funeral-allowance"].__class__.objects.filter(
        pk=versions["funeral-allowance"].pk
    ).update(due_soon_hours=0)
    eight = dossier_for(catalogue, offices, due_at=due)
    sixteen = dossier_for(catalogue, offices, due_at=due, slug="maternity-benefit-employer")
    silent = dossier_for(catalogue, offices, due_at=due, slug="funeral-allowance")

    # 16 working hours before Mon 4 May 10:00: Mon 2h, Wed 9h, Tue 28 Apr 12:00-17:00 5h.
    assert sla.due_soon_threshold(due, 16) == at(2026, 4, 28, 12)
    assert sla.sla_sweep_due_soon(now=at(2026, 4, 28, 11, 59)) == 0
    assert sla.sla_sweep_due_soon(now=at(2026, 4, 28, 12, 0)) == 1
    assert Dossier.objects.get(pk=sixteen.pk).due_soon_warned_at is not None
    assert Dossier.objects.get(pk=eight.pk).due_soon_warned_at is None
    assert sla.sla_sweep_due_soon(now=at(2026, 4, 29, 11, 0)) == 1
    assert Dossier.objects.get(pk=eight.pk).due_soon_warned_at is not None
    # Even past its due time, a version with 0 hours never warns.
    assert sla.sla_sweep_due_soon(now=at(2026, 5, 4, 11)) == 0
    assert Dossier.objects.get(pk=silent.pk).due_soon_warned_at is None


@pytest.mark.django_db
def test_due_soon_skips_stopped_clocks_decided_and_closed_dossiers(catalogue, offices, staff):
    due = at(2026, 5, 4, 10)
    for state in (S.SUPPLEMENT_REQUESTED, S.PROCESSED, S.RETURNED, S.STOPPED, S.WITHDRAWN):
        dossier_for(catalogue, offices, state=state, due_at=due)
    waiting = dossier_for(catalogue, offices, state=S.SUBMITTED, due_at=due)
    assert sla.sla_sweep_due_soon(now=at(2026, 5, 4, 9)) == 1
    assert list(Dossier.objects.filter(due_soon_warned_at__isnull=False)) == [waiting]
    # Not assigned yet: the leaders are warned, nobody else.
    event = waiting.events.get(kind=EventKind.DUE_SOON)
    assert event.payload["officer_id"] is None


@pytest.mark.django_db
def test_due_soon_sweep_stops_at_the_first_dossier_not_due_soon(
    catalogue, offices, staff, monkeypatch
):
    # Thresholds grow with the due time, so dossiers due later than the first one not yet
    # due soon are never examined one by one.
    for day in range(5, 8):
        dossier_for(catalogue, offices, due_at=at(2026, 5, day, 16))
    soon = dossier_for(catalogue, offices, due_at=at(2026, 5, 4, 16))
    examined = []
    threshold = sla.due_soon_threshold

    def spy(due_at, hours):
        examined.append(due_at)
        return threshold(due_at, hours)

    monkeypatch.setattr(sla, "due_soon_threshold", spy)
    assert sla.sla_sweep_due_soon(now=at(2026, 5, 4, 8, 30)) == 1
    assert list(Dossier.objects.filter(due_soon_warned_at__isnull=False)) == [soon]
    assert examined == [at(2026, 5, 4, 16), at(2026, 5, 5, 16)]


# --- overdue, escalation and the apology draft -------------------------------------------


@pytest.mark.django_db
def test_overdue_flags_escalates_and_drafts_the_apology_across_weekend_and_holiday(
    catalogue, offices, staff, citizen, django_capture_on_commit_callbacks
):
    dossier = dossier_for(
        catalogue,
        offices,
        due_at=at(2026, 4, 29, 16),
        assigned_to=staff["officer"],
        applicant=citizen,
        applicant_email=citizen.email,
    )
    with time_machine.travel(at(2026, 4, 29, 15, 59), tick=False):
        assert sla_overdue_sweep_task.delay().get() == 0

    with (
        time_machine.travel(at(2026, 4, 29, 16, 5, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert sla_overdue_sweep_task.delay().get() == 1

    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.overdue_flagged_at == at(2026, 4, 29, 16, 5, 30)
    # Sickness benefit: 7 working days, no internal target -> max(2, 7 // 2) = 3 working
    # days after Wed 29 Apr: Mon 4, Tue 5, Wed 6 May (holidays and weekend skipped).
    assert fresh.apology_draft_due_at == at(2026, 5, 6, 16, 5)
    assert fresh.apology_draft_reason.strip()
    assert fresh.state == S.IN_PROCESSING  # flagging changes no state
    assert fresh.due_at == at(2026, 4, 29, 16)

    overdue = fresh.events.get(kind=EventKind.OVERDUE)
    drafted = fresh.events.get(kind=EventKind.APOLOGY_DRAFTED)
    assert not overdue.citizen_visible
    assert not drafted.citizen_visible
    assert sorted(overdue.payload["escalated_to"]) == sorted(
        [staff["leader"].pk, staff["deputy"].pk]
    )
    assert drafted.payload["new_due_at"] == at(2026, 5, 6, 16, 5).isoformat()
    assert drafted.reason == fresh.apology_draft_reason

    rows = staff_rows(overdue)
    assert set(rows) == {
        ("sla-officer", "inbox"),
        ("sla-officer", "email"),
        ("sla-leader", "inbox"),
        ("sla-leader", "email"),
        ("sla-deputy", "inbox"),
    }
    assert rows[("sla-leader", "email")].subject == f"Escalation: dossier {dossier.code} is late"
    assert "escalated to you" in rows[("sla-leader", "email")].body
    assert rows[("sla-officer", "email")].subject == f"Dossier {dossier.code} is late"
    assert "escalated" not in rows[("sla-officer", "email")].body
    assert "16:05 06/05/2026" in rows[("sla-officer", "inbox")].body  # the proposed date
    # The applicant hears nothing until the officer sends the apology.
    assert not Notification.objects.filter(audience=Audience.CITIZEN).exists()
    assert len(mail.outbox) == 2

    # Sweeping again flags, escalates and drafts nothing more.
    with (
        time_machine.travel(at(2026, 4, 29, 16, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        assert sla.sla_sweep_overdue() == 0
    assert callbacks == []
    assert fresh.events.filter(kind__in=[EventKind.OVERDUE, EventKind.APOLOGY_DRAFTED]).count() == 2
    assert Dossier.objects.get(pk=dossier.pk).apology_draft_due_at == at(2026, 5, 6, 16, 5)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("internal_target", "time_limit", "proposed"),
    [
        (None, 7, at(2026, 2, 26, 8)),  # 7 // 2 = 3 working days
        (2, 7, at(2026, 2, 25, 8)),  # the VSS internal target
        (None, 3, at(2026, 2, 25, 8)),  # never fewer than 2
        (None, 20, at(2026, 3, 9, 8)),  # 10 working days
    ],
)
def test_late_over_tet_is_flagged_at_once_and_the_new_date_skips_the_holiday(
    catalogue, offices, staff, internal_target, time_limit, proposed
):
    version = version_in_force(procedure=catalogue["sickness-benefit"])
    type(version).objects.filter(pk=version.pk).update(
        internal_target=internal_target, time_limit=time_limit
    )
    dossier = dossier_for(catalogue, offices, due_at=at(2026, 2, 13, 10))
    # Saturday before Tết: the office is closed, but the appointed time has passed.
    assert sla.sla_sweep_overdue(now=at(2026, 2, 14, 9)) == 1
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.overdue_flagged_at == at(2026, 2, 14, 9)
    # Counted from the next opening, Mon 23 Feb 08:00, after Tết and two weekends.
    assert fresh.apology_draft_due_at == proposed


@pytest.mark.django_db
def test_overdue_covers_decided_dossiers_but_not_stopped_clocks_or_closed_ones(
    catalogue, offices, staff
):
    due = at(2026, 4, 29, 9)
    processed = dossier_for(catalogue, offices, state=S.PROCESSED, due_at=due)
    unassigned = dossier_for(catalogue, offices, state=S.RECEIVED, due_at=due)
    for state in (S.SUPPLEMENT_REQUESTED, S.RETURNED, S.REFUSED, S.STOPPED):
        dossier_for(catalogue, offices, state=state, due_at=due)
    dossier_for(catalogue, offices, due_at=at(2026, 4, 29, 11))  # not yet late
    assert sla.sla_sweep_overdue(now=at(2026, 4, 29, 10)) == 2
    assert set(Dossier.objects.filter(overdue_flagged_at__isnull=False)) == {
        processed,
        unassigned,
    }
    reasons = dict(Dossier.objects.values_list("pk", "apology_draft_reason"))
    assert reasons[processed.pk] != reasons[unassigned.pk]  # the draft says what held it up
    event = unassigned.events.get(kind=EventKind.OVERDUE)
    assert event.payload["officer_id"] is None


@pytest.mark.django_db
def test_confirming_the_draft_sends_the_apology_and_tracks_the_new_date(
    catalogue, offices, staff, citizen, django_capture_on_commit_callbacks
):
    dossier = dossier_for(
        catalogue,
        offices,
        due_at=at(2026, 4, 29, 16),
        assigned_to=staff["officer"],
        applicant=citizen,
        applicant_email=citizen.email,
    )
    sla.sla_sweep_due_soon(now=at(2026, 4, 29, 9))
    sla.sla_sweep_overdue(now=at(2026, 4, 29, 16, 5))
    drafted = Dossier.objects.get(pk=dossier.pk)

    with pytest.raises(NotAllowed):  # a processing officer the dossier is not assigned to
        sla.apology_draft_confirm(
            dossier=drafted,
            actor=UserFactory(
                username="sla-other", role=Role.PROCESSING_OFFICER, office=offices[1]
            ),
        )

    with (
        time_machine.travel(at(2026, 5, 4, 9), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        prepared = sla.apology_draft_confirm(
            dossier=drafted, actor=staff["officer"], revision=drafted.revision
        )
    # The officer prepares the letter; it is the head of the agency who signs it, so
    # nothing is issued and the appointed time stands until a leader signs.
    assert prepared.due_at == drafted.due_at
    assert prepared.apology_issued_at is None
    assert prepared.apology_prepared_by == staff["officer"]
    assert prepared.apology_draft_due_at == drafted.apology_draft_due_at
    assert not prepared.slips.filter(kind=SlipKind.APOLOGY).exists()
    assert not prepared.events.filter(citizen_visible=True, payload__action="apologise").exists()

    with (
        time_machine.travel(at(2026, 5, 4, 9), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = sla.apology_draft_confirm(
            dossier=prepared, actor=staff["leader"], revision=prepared.revision
        )
    assert sent.due_at == at(2026, 5, 6, 16, 5)
    assert sent.apology_issued_at == at(2026, 5, 4, 9)
    assert sent.revision == drafted.revision + 2
    assert sent.apology_prepared_by is None
    apology = sent.events.get(kind=EventKind.TRANSITION, payload__stage="signed")
    assert apology.actor == staff["leader"]
    assert apology.payload["prepared_by_id"] == staff["officer"].pk
    assert apology.reason == drafted.apology_draft_reason
    assert apology.citizen_visible
    letter = sent.slips.get(kind=SlipKind.APOLOGY, event=apology)
    text = " ".join(
        " ".join(page.extract_text() or "" for page in PdfReader(letter.file).pages).split()
    )
    assert f"NGƯỜI LẬP PHIẾU (Ký, ghi rõ họ tên) {staff['officer'].display_name}" in text
    assert f"(Ký, ghi rõ họ tên và đóng dấu) {staff['leader'].display_name}" in text
    assert Notification.objects.filter(event=apology, audience=Audience.CITIZEN).exists()
    # The draft is used up and the new appointed time is tracked like the first one.
    assert sent.apology_draft_due_at is None
    assert sent.apology_draft_reason == ""
    assert sent.due_soon_warned_at is None
    assert sent.overdue_flagged_at is None
    with pytest.raises(DossierError):
        sla.apology_draft_confirm(dossier=sent, actor=staff["officer"])

    assert sla.sla_sweep_due_soon(now=at(2026, 5, 6, 8, 10)) == 1
    assert sla.sla_sweep_overdue(now=at(2026, 5, 6, 16, 10)) == 1
    again = Dossier.objects.get(pk=dossier.pk)
    assert again.events.filter(kind=EventKind.OVERDUE).count() == 2
    assert again.apology_draft_due_at == at(2026, 5, 11, 16, 10)  # 3 working days on


@pytest.mark.django_db
def test_the_sweep_keeps_a_letter_the_officer_already_prepared(catalogue, offices, staff):
    from dossiers.services import dossier_apologise

    dossier = dossier_for(
        catalogue, offices, due_at=at(2026, 4, 29, 16), assigned_to=staff["officer"]
    )
    with time_machine.travel(at(2026, 4, 29, 9), tick=False):
        dossier_apologise(
            dossier=dossier,
            actor=staff["officer"],
            reason="Chờ kết quả giám định",
            new_due_at=at(2026, 5, 8, 10),
        )

    assert sla.sla_sweep_overdue(now=at(2026, 4, 29, 16, 5)) == 1
    flagged = Dossier.objects.get(pk=dossier.pk)
    assert flagged.overdue_flagged_at == at(2026, 4, 29, 16, 5)
    # Still the officer's letter, waiting for the leader: not replaced by a fresh draft.
    assert flagged.apology_prepared_by == staff["officer"]
    assert flagged.apology_draft_due_at == at(2026, 5, 8, 10)
    assert flagged.apology_draft_reason == "Chờ kết quả giám định"
    assert not flagged.events.filter(kind=EventKind.APOLOGY_DRAFTED).exists()
    overdue = flagged.events.get(kind=EventKind.OVERDUE)
    assert dt.datetime.fromisoformat(overdue.payload["apology_draft_due_at"]) == at(2026, 5, 8, 10)


@pytest.mark.django_db
def test_the_officer_may_correct_the_draft_before_sending(
    catalogue, offices, staff, citizen, django_capture_on_commit_callbacks
):
    dossier = dossier_for(
        catalogue, offices, due_at=at(2026, 4, 29, 16), assigned_to=staff["officer"]
    )
    sla.sla_sweep_overdue(now=at(2026, 4, 29, 16, 5))
    with (
        time_machine.travel(at(2026, 5, 4, 9), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        # A leader may send it too, with a later date and the real reason.
        sent = sla.apology_draft_confirm(
            dossier=dossier,
            actor=staff["leader"],
            new_due_at=at(2026, 5, 8, 10),
            reason="Chờ kết quả xác minh từ cơ sở y tế.",
        )
    assert sent.due_at == at(2026, 5, 8, 10)
    apology = sent.events.get(kind=EventKind.TRANSITION, payload__stage="signed")
    assert apology.reason == "Chờ kết quả xác minh từ cơ sở y tế."
    assert apology.actor == staff["leader"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="a real row-lock race needs PostgreSQL")
def test_two_sweeps_at_once_flag_and_escalate_once(catalogue, offices, staff):
    for hour in (9, 10, 11):
        dossier_for(catalogue, offices, due_at=at(2026, 4, 29, hour), assigned_to=staff["officer"])
    barrier = threading.Barrier(2)
    results = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            results.append(sla.sla_sweep_overdue(now=at(2026, 4, 29, 16)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results)[1] >= 1
    assert sum(results) == 3
    assert DossierEvent.objects.filter(kind=EventKind.OVERDUE).count() == 3
    assert DossierEvent.objects.filter(kind=EventKind.APOLOGY_DRAFTED).count() == 3
    # Eager Celery ran the staff notifications: 2 e-mail + 3 inbox per dossier, once.
    assert Notification.objects.count() == 3 * 5
    assert len(mail.outbox) == 3 * 2


@pytest.mark.django_db
@pytest.mark.skipif(not POSTGRES, reason="query plans are checked on PostgreSQL")
def test_sweeps_read_through_their_partial_indexes(catalogue, offices):
    """With most dossiers already handled, the planner answers from the small indexes."""
    version = version_in_force(procedure=catalogue["sickness-benefit"])
    handled = at(2026, 1, 5, 9)
    Dossier.objects.bulk_create(
        [
            Dossier(
                procedure=version.procedure,
                version=version,
                channel="online",
                code=f"BULK-{n:05d}",
                due_at=handled + dt.timedelta(hours=n),
                due_soon_warned_at=handled,
                overdue_flagged_at=handled,
                competent_office=offices[1],
            )
            for n in range(3000)
        ]
    )
    Dossier.objects.filter(code__startswith="BULK-").update(state=S.RETURNED)
    for hour in (9, 10):
        dossier_for(catalogue, offices, due_at=at(2026, 4, 29, hour))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dossiers_dossier")
    due_soon = sla.due_soon_candidates(hours=8, bound=at(2026, 5, 8, 17))
    overdue = sla.overdue_candidates(now=at(2026, 4, 29, 16))
    assert "dossier_due_soon_sweep_idx" in due_soon.values_list("pk", "due_at").explain()
    assert "dossier_overdue_sweep_idx" in overdue.values_list("pk", "due_at").explain()
    assert sla.sla_sweep_overdue(now=at(2026, 4, 29, 16)) == 2


def _sweep_queries(sweep, now):
    with CaptureQueriesContext(connection) as captured:
        done = sweep(now=now)
    return done, len(captured.captured_queries)


def _many_late(catalogue, offices, staff, count, *, day):
    """`count` dossiers of two procedures in two offices, due through the morning of `day`."""
    for n in range(count):
        make_dossier(
            procedure=catalogue[("sickness-benefit", "funeral-allowance")[n % 2]],
            state=S.IN_PROCESSING,
            office=offices[(1, 79)[n % 3 == 0]],
            due_at=at(2026, 4, day, 8) + dt.timedelta(minutes=n),
            assigned_to=staff["officer"] if n % 3 else None,
        )


@pytest.mark.django_db
def test_the_overdue_sweep_issues_the_same_few_statements_for_3_or_60_dossiers(
    catalogue, offices, staff
):
    """Set-based: flagging, escalating and drafting cost statements per batch, not per
    dossier (the calendar and each procedure's proposed date are looked up once)."""
    _many_late(catalogue, offices, staff, 3, day=27)
    few, few_queries = _sweep_queries(sla.sla_sweep_overdue, at(2026, 4, 27, 16))
    _many_late(catalogue, offices, staff, 60, day=28)
    many, many_queries = _sweep_queries(sla.sla_sweep_overdue, at(2026, 4, 28, 16))
    assert (few, many) == (3, 60)
    assert many_queries == few_queries
    assert many_queries <= 12
    assert DossierEvent.objects.filter(kind=EventKind.OVERDUE).count() == 63
    assert DossierEvent.objects.filter(kind=EventKind.APOLOGY_DRAFTED).count() == 63
    drafted = Dossier.objects.filter(apology_draft_due_at__isnull=False)
    assert drafted.count() == 63
    # Each dossier has its own events, and the leaders of its office were escalated to.
    late = DossierEvent.objects.filter(kind=EventKind.OVERDUE).select_related("dossier")
    for event in late:
        in_hanoi = event.dossier.competent_office_id == offices[1].pk
        assert event.payload["escalated_to"] == (
            sorted([staff["leader"].pk, staff["deputy"].pk])
            if in_hanoi
            else [staff["other_leader"].pk]
        )
    # Nothing left: the next sweep is one probe of the partial index.
    nothing, idle_queries = _sweep_queries(sla.sla_sweep_overdue, at(2026, 4, 28, 16, 30))
    assert nothing == 0
    assert idle_queries <= 4


@pytest.mark.django_db
def test_the_overdue_sweep_works_in_batches_and_stops_at_its_limit(
    catalogue, offices, staff, monkeypatch
):
    monkeypatch.setattr(sla, "BATCH_SIZE", 4)
    _many_late(catalogue, offices, staff, 10, day=28)
    assert sla.sla_sweep_overdue(now=at(2026, 4, 28, 16), limit=6) == 6
    # Earliest due first.
    flagged = Dossier.objects.filter(overdue_flagged_at__isnull=False).order_by("due_at")
    assert [d.due_at for d in flagged] == [
        at(2026, 4, 28, 8) + dt.timedelta(minutes=n) for n in range(6)
    ]
    assert sla.sla_sweep_overdue(now=at(2026, 4, 28, 16)) == 4
    assert DossierEvent.objects.filter(kind=EventKind.OVERDUE).count() == 10


@pytest.mark.django_db
def test_the_due_soon_sweep_issues_the_same_few_statements_for_3_or_60_dossiers(
    catalogue, offices, staff
):
    # Due Monday 4 May afternoon (after the 30 April / 1 May holidays and the weekend):
    # due soon from the morning of Wednesday 29 April on.
    def due_monday(count, start):
        for n in range(count):
            dossier_for(
                catalogue,
                offices,
                due_at=at(2026, 5, 4, 14) + dt.timedelta(minutes=start + n),
                assigned_to=staff["officer"],
            )

    due_monday(3, 0)
    few, few_queries = _sweep_queries(sla.sla_sweep_due_soon, at(2026, 4, 29, 16))
    due_monday(60, 10)
    many, many_queries = _sweep_queries(sla.sla_sweep_due_soon, at(2026, 4, 29, 16, 30))
    assert (few, many) == (3, 60)
    assert many_queries == few_queries
    # The windows in use and the calendar (once), then per window a savepoint pair around
    # one locking SELECT, and for the window with dossiers one UPDATE, one leaders' look-up,
    # one INSERT of events and one of their outbox rows (the staff alerts, ADR 0006).
    windows = (
        ProcedureVersion.objects.filter(due_soon_hours__gt=0)
        .order_by()
        .values("due_soon_hours")
        .distinct()
    )
    assert many_queries <= 2 + 3 * windows.count() + 4
    assert DossierEvent.objects.filter(kind=EventKind.DUE_SOON).count() == 63


# --- staff deliveries: attempts, retries with backoff, failed, retried from the admin -----


@pytest.mark.django_db
def test_failed_e_mail_is_retried_then_shown_failed_and_can_be_sent_again(
    catalogue, offices, staff, settings, client, django_capture_on_commit_callbacks, eager_retries
):
    assert MAX_DELIVERY_ATTEMPTS == RETRYING["max_retries"] + 1
    assert RETRYING["retry_backoff"]
    assert RETRYING["acks_late"]
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableSmtpBackend"
    dossier = dossier_for(
        catalogue, offices, due_at=at(2026, 4, 29, 16), assigned_to=staff["officer"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        sla.sla_sweep_overdue(now=at(2026, 4, 29, 16, 5))
    event = dossier.events.get(kind=EventKind.OVERDUE)
    rows = staff_rows(event)
    # Inboxes need no server; both e-mails went through a full round of attempts.
    assert rows[("sla-officer", "inbox")].status == DeliveryStatus.SENT
    failed = [rows[("sla-officer", "email")], rows[("sla-leader", "email")]]
    for row in failed:
        assert row.status == DeliveryStatus.FAILED
        assert row.attempts == MAX_DELIVERY_ATTEMPTS
        assert row.last_error == "ConnectionRefusedError"
        assert row.sent_at is None
        assert list(row.delivery_attempts.values_list("number", "status")) == [
            (n, "failed") for n in range(1, MAX_DELIVERY_ATTEMPTS + 1)
        ]
    assert mail.outbox == []

    # Staff see them among the failed deliveries ...
    admin = UserFactory(username="sla-admin", administrator=True)
    client.force_login(admin)
    listing = client.get("/admin/notifications/notification/", {"status__exact": "failed"})
    assert listing.status_code == 200
    assert set(listing.context["cl"].result_list) == set(failed)
    detail = client.get(f"/admin/notifications/notification/{failed[0].pk}/change/")
    assert detail.status_code == 200
    assert b"ConnectionRefusedError" in detail.content

    # ... and, once the server is back, send them again from the admin.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/notification/",
            {
                "action": "retry_failed",
                "_selected_action": [n.pk for n in Notification.objects.all()],
                "index": 0,
            },
        )
    assert response.status_code == 302
    for row in failed:
        row = Notification.objects.get(pk=row.pk)
        assert row.status == DeliveryStatus.SENT
        assert row.attempts == 1  # a new round
        assert row.delivery_attempts.count() == MAX_DELIVERY_ATTEMPTS + 1
        assert row.delivery_attempts.last().status == "sent"
    assert sorted(m.to[0] for m in mail.outbox) == ["leader@vss.example", "officer@vss.example"]
    # Sent rows are not sent again by another retry.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/notifications/notification/",
            {"action": "retry_failed", "_selected_action": [failed[0].pk], "index": 0},
        )
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_fault_retrying_cannot_cure_fails_at_once(
    catalogue, offices, staff, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RejectingBackend"
    dossier = dossier_for(
        catalogue, offices, due_at=at(2026, 4, 29, 16), assigned_to=staff["officer"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        sla.sla_sweep_due_soon(now=at(2026, 4, 29, 9))
    event = dossier.events.get(kind=EventKind.DUE_SOON)
    email = staff_rows(event)[("sla-officer", "email")]
    assert email.status == DeliveryStatus.FAILED
    assert email.attempts == 1
    assert email.last_error == "ValueError"
    assert staff_rows(event)[("sla-officer", "inbox")].status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_staff_and_citizen_rows_are_each_unique(catalogue, offices, staff, citizen):
    from django.db import IntegrityError, transaction

    dossier = dossier_for(catalogue, offices, due_at=at(2026, 4, 29, 16), applicant=citizen)
    sla.sla_sweep_overdue(now=at(2026, 4, 29, 16, 5))
    event = dossier.events.get(kind=EventKind.OVERDUE)
    common = {"event": event, "channel": "inbox", "subject": "s", "body": "b"}
    Notification.objects.create(audience=Audience.STAFF, recipient=staff["leader"], **common)
    Notification.objects.create(audience=Audience.STAFF, recipient=staff["deputy"], **common)
    Notification.objects.create(audience=Audience.CITIZEN, recipient=citizen, **common)
    for duplicate in (
        {"audience": Audience.STAFF, "recipient": staff["leader"]},
        {"audience": Audience.CITIZEN, "recipient": None},
        {"audience": Audience.STAFF, "recipient": None},  # staff rows name their recipient
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(**duplicate, **common)
    assert Notification.objects.filter(event=event).count() == 3

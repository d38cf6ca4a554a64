"""Deadline tracking: due-soon warnings, late flags, escalation and the apology draft.

Two sweeps run from Celery beat (`dossiers.tasks.sla_*_sweep_task`, docs/workers.md):

- `sla_sweep_due_soon` warns the assigned officer and the leaders of the competent office
  when a dossier whose clock runs comes within `version.due_soon_hours` working hours of
  its appointed time (the moment `subtract_working_hours(due_at, due_soon_hours)`; 0
  turns the warning off for the version).
- `sla_sweep_overdue` flags a dossier late the moment its appointed time passes (a
  processed dossier not yet returned too), escalates to the leaders, and drafts the
  apology letter the law requires (form 04): a proposed new date and a reason, stored on
  the dossier for the officer to check and prepare, and for an office leader to sign,
  which issues it (`apology_draft_confirm`, or the "apology" action of the dossier page
  prefilled from the draft).

Proposed new date: `apology_proposed_due(version, now)` = `add_working_days(now, n)` with
n = max(2, the version's internal target, or half its statutory limit rounded down),
truncated to the minute. The count is in working days whatever the limit's unit.

Both sweeps read only what needs action, through the partial indexes
`dossier_due_soon_sweep_idx` / `dossier_overdue_sweep_idx` (state and due time, only rows
not yet warned / flagged), and work set-based, `BATCH_SIZE` dossiers per transaction: the
batch is read earliest first and locked (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so a
concurrent sweep takes other rows and nothing is sent twice; SQLite transactions begin
IMMEDIATE), claimed with one UPDATE, and its events (not citizen-visible) are written with
one INSERT per kind; the staff notifications of the batch are handed over by one call,
`_side_effects_for_events`, on commit. The working-day calendar is loaded once per sweep
(`workdays.services.calendar_preloaded`) and each version's proposed date computed once,
so a sweep's statements grow with the number of batches, not of dossiers, and a sweep with
nothing to do is one index probe per step. The sweeps do not bump the dossier's
`revision`: an officer's open page stays valid.
"""

from __future__ import annotations

import datetime as dt
import math

import structlog
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, DateTimeField, F, Q, QuerySet, TextField, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User
from procedures.models import ProcedureVersion
from workdays.services import (
    add_working_days,
    calendar_preloaded,
    subtract_working_hours,
    working_day_length_seconds,
)

from .constants import DossierState, EventKind
from .events import events_publish, staff_alerts
from .exceptions import DossierError
from .models import Dossier, DossierEvent
from .services.workflow import dossier_apologise

logger = structlog.get_logger(__name__)

# The states of the partial indexes (dossiers.models.Dossier.Meta.indexes), in their order.
DUE_SOON_STATES = (
    DossierState.SUBMITTED,
    DossierState.RECEIVED,
    DossierState.IN_PROCESSING,
    DossierState.APPRAISAL,
    DossierState.AWAITING_SIGNATURE,
    DossierState.PAYMENT_REQUESTED,
)
OVERDUE_STATES = (*DUE_SOON_STATES, DossierState.PROCESSED)

# Dossiers claimed per transaction: one locking SELECT, one UPDATE and one or two INSERTs.
BATCH_SIZE = 1000
# A run stops after this many dossiers; the next run (minutes later) continues.
SWEEP_LIMIT = 20000
# The calendar snapshot a sweep loads once: the past for due-soon thresholds of dossiers due
# soon, the future for the apology's proposed date (the longest limit plus margin).
CALENDAR_PAST_DAYS = 120
CALENDAR_AHEAD_DAYS = 400
MIN_APOLOGY_WORKING_DAYS = 2

# Draft reasons (msgids), written in the portal's language when the draft is made.
_DRAFT_REASONS = {
    DossierState.SUBMITTED: gettext_noop(
        "The dossier could not be received and checked by the appointed time."
    ),
    DossierState.RECEIVED: gettext_noop(
        "The dossier could not be processed by the appointed time."
    ),
    DossierState.AWAITING_SIGNATURE: gettext_noop(
        "The decision on the dossier was still awaiting signature at the appointed time."
    ),
    DossierState.PAYMENT_REQUESTED: gettext_noop(
        "The payment the dossier needs had not been confirmed by the appointed time."
    ),
    DossierState.PROCESSED: gettext_noop(
        "The result was ready but could not be returned by the appointed time."
    ),
}
_DEFAULT_DRAFT_REASON = gettext_noop(
    "Processing the dossier needed more time than the appointed return time allowed."
)


# --- rules ---------------------------------------------------------------------------------


def apology_proposed_due(version: ProcedureVersion, now: dt.datetime) -> dt.datetime:
    """The new return date an apology draft proposes (see the module docstring)."""
    days = max(MIN_APOLOGY_WORKING_DAYS, version.internal_target or version.time_limit // 2)
    return add_working_days(now, days).replace(second=0, microsecond=0)


def apology_draft_reason(state: str) -> str:
    """The drafted reason for the delay, in the portal's language (the letter's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(_DRAFT_REASONS.get(state, _DEFAULT_DRAFT_REASON))


def due_soon_threshold(due_at: dt.datetime, hours: int) -> dt.datetime:
    """From this moment on, a dossier due at `due_at` is "due soon"."""
    return subtract_working_hours(due_at, hours)


# --- selection (index-backed) --------------------------------------------------------------


def due_soon_candidates(*, hours: int, bound: dt.datetime) -> QuerySet[Dossier]:
    """Not yet warned dossiers whose clock runs, of versions warning `hours` ahead, due by
    `bound`, earliest first (range scan of `dossier_due_soon_sweep_idx`)."""
    return Dossier.objects.filter(
        due_soon_warned_at__isnull=True,
        state__in=DUE_SOON_STATES,
        due_at__lte=bound,
        version__due_soon_hours=hours,
    ).order_by("due_at", "id")


def overdue_candidates(*, now: dt.datetime) -> QuerySet[Dossier]:
    """Open dossiers past their appointed time and not yet flagged, earliest first (range
    scan of `dossier_overdue_sweep_idx`)."""
    return Dossier.objects.filter(
        overdue_flagged_at__isnull=True, state__in=OVERDUE_STATES, due_at__lte=now
    ).order_by("due_at", "id")


def _lock_batch(qs: QuerySet[Dossier], fields: tuple[str, ...]) -> list[tuple]:
    """The first `BATCH_SIZE` candidates as `("pk", "due_at", *fields)` rows, locked.

    PostgreSQL: `FOR UPDATE SKIP LOCKED`, so a concurrent sweep takes the next rows instead
    of waiting for these; the lock holds until the batch's transaction commits, so nothing
    read here changes before the claim. SQLite has no row locks: its transactions begin
    IMMEDIATE (settings), so a second sweep waits for the first one's commit and then no
    longer finds the rows it flagged. Call inside `transaction.atomic()`.
    """
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.values_list("pk", "due_at", *fields)[:BATCH_SIZE])


class _Leaders:
    """Active leaders per office, looked up once per sweep (one query per batch at most)."""

    def __init__(self) -> None:
        self._by_office: dict[int, list[int]] = {}

    def load(self, office_ids: set[int | None]) -> None:
        missing = {pk for pk in office_ids if pk is not None and pk not in self._by_office}
        if not missing:
            return
        for pk in missing:
            self._by_office[pk] = []
        rows = (
            User.objects.filter(role=Role.OFFICE_LEADER, office_id__in=missing, is_active=True)
            .order_by("pk")
            .values_list("office_id", "pk")
        )
        for office_id, pk in rows:
            self._by_office[office_id].append(pk)

    def of(self, office_id: int | None) -> list[int]:
        if office_id is None:
            return []
        if office_id not in self._by_office:
            self.load({office_id})
        return self._by_office[office_id]


def _recipients(officer_id: int | None, leader_ids: list[int]) -> list[int]:
    return sorted({*leader_ids, *([officer_id] if officer_id else [])})


def _side_effects_for_events(events: list[DossierEvent]) -> None:
    """What follows a batch of deadline events: published with the batch (ADR 0006).

    One call per batch (the sweeps' only side effect). Each event is published like any
    audit event, and the staff to tell (the assigned officer and the leaders warned or
    escalated to, as written in the event) get one staff alert each: one INSERT of outbox
    rows for the whole batch, relayed to the workers once the batch commits.
    """
    alerts = []
    for event in events:
        if event.kind == EventKind.DUE_SOON:
            leaders = event.payload.get("leader_ids", [])
        elif event.kind == EventKind.OVERDUE:
            leaders = event.payload.get("escalated_to", [])
        else:
            continue
        recipients = _recipients(event.payload.get("officer_id"), leaders)
        if recipients:
            alerts.append((event, recipients))
    events_publish(events)
    staff_alerts(alerts)


def _sweep_calendar(now: dt.datetime):
    """One snapshot of the working-day calendar for a whole sweep (workdays/)."""
    today = timezone.localtime(now).date()
    return calendar_preloaded(
        today - dt.timedelta(days=CALENDAR_PAST_DAYS),
        today + dt.timedelta(days=CALENDAR_AHEAD_DAYS),
    )


# --- the sweeps ----------------------------------------------------------------------------


def sla_sweep_due_soon(*, now: dt.datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Warn officers and leaders of the dossiers now due soon; returns how many were warned.

    Per warning-window length in use, candidates due within a generous calendar bound are
    read earliest first, a batch at a time, locked; the threshold grows with the due time,
    so the scan stops at the first dossier not yet due soon. Each batch is one transaction:
    one SELECT, one UPDATE, one INSERT of the events (the calendar is loaded once per sweep).
    """
    now = now or timezone.now()
    leaders = _Leaders()
    warned = 0
    hours_in_use = list(
        ProcedureVersion.objects.filter(due_soon_hours__gt=0)
        .order_by("due_soon_hours")
        .values_list("due_soon_hours", flat=True)
        .distinct()
    )
    if not hours_in_use:
        return 0
    with _sweep_calendar(now):
        for hours in hours_in_use:
            # The threshold is at most `hours` of office time away; a working day more covers
            # due times in closed hours. Everything beyond cannot be due soon yet.
            window = math.ceil(hours * 3600 / working_day_length_seconds()) + 1
            bound = add_working_days(now, window)
            candidates = due_soon_candidates(hours=hours, bound=bound)
            while warned < limit:
                done, count = _warn_due_soon_batch(
                    candidates, hours=hours, now=now, leaders=leaders, room=limit - warned
                )
                warned += count
                if done:
                    break
    if warned:
        logger.info("sla_due_soon_swept", warned=warned)
    return warned


def _warn_due_soon_batch(
    candidates: QuerySet[Dossier], *, hours: int, now: dt.datetime, leaders: _Leaders, room: int
) -> tuple[bool, int]:
    """Warn the due-soon prefix of the next batch; returns (nothing more to do, warned)."""
    with transaction.atomic():
        rows = _lock_batch(candidates, ("competent_office_id", "assigned_to_id"))
        due: list[tuple] = []
        for row in rows:
            # Past its appointed time it is certainly past the threshold (no calendar needed).
            if row[1] > now and due_soon_threshold(row[1], hours) > now:
                break
            due.append(row)
            if len(due) >= room:
                break
        done = len(due) < BATCH_SIZE or len(rows) < BATCH_SIZE
        if not due:
            return True, 0
        Dossier.objects.filter(pk__in=[row[0] for row in due]).update(due_soon_warned_at=now)
        leaders.load({row[2] for row in due})
        events = DossierEvent.objects.bulk_create(
            [
                DossierEvent(
                    dossier_id=pk,
                    kind=EventKind.DUE_SOON,
                    payload={
                        "due_at": due_at.isoformat(),
                        "due_soon_hours": hours,
                        "officer_id": officer_id,
                        "leader_ids": leaders.of(office_id),
                    },
                )
                for pk, due_at, office_id, officer_id in due
            ]
        )
        _side_effects_for_events(events)
    logger.info("dossiers_due_soon_warned", count=len(due), due_soon_hours=hours)
    return done, len(due)


def sla_sweep_overdue(*, now: dt.datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Flag late the dossiers past their appointed time, escalate, draft the apology.

    Returns how many dossiers were flagged. Set-based: per batch of `BATCH_SIZE` dossiers
    one locking SELECT, one UPDATE (flag and draft), two INSERTs (the overdue events, then
    the apology-draft events that name them) and one hand-over of the notifications; the
    calendar is loaded once per sweep and each version's proposed date computed once.
    """
    now = now or timezone.now()
    leaders = _Leaders()
    proposed: dict[int, dt.datetime] = {}
    flagged = 0
    candidates = overdue_candidates(now=now)
    with _sweep_calendar(now):
        while flagged < limit:
            count = _flag_overdue_batch(
                candidates, now=now, leaders=leaders, proposed=proposed, room=limit - flagged
            )
            flagged += count
            if count < BATCH_SIZE:  # the candidates are exhausted (or the limit reached)
                break
    if flagged:
        logger.info("sla_overdue_swept", flagged=flagged)
    return flagged


def _flag_overdue_batch(
    candidates: QuerySet[Dossier],
    *,
    now: dt.datetime,
    leaders: _Leaders,
    proposed: dict[int, dt.datetime],
    room: int,
) -> int:
    fields = (
        "state",
        "version_id",
        "competent_office_id",
        "assigned_to_id",
        "apology_prepared_by_id",
        "apology_draft_due_at",
    )
    with transaction.atomic():
        rows = _lock_batch(candidates, fields)[:room]
        if not rows:
            return 0
        missing = {row[3] for row in rows} - proposed.keys()
        for version in ProcedureVersion.objects.filter(pk__in=missing).only(
            "pk", "internal_target", "time_limit"
        ):
            proposed[version.pk] = apology_proposed_due(version, now)
        reasons = {state: apology_draft_reason(state) for state in {row[2] for row in rows}}
        # A letter an officer already prepared (awaiting a leader's signature) is kept.
        prepared = Q(apology_prepared_by__isnull=False)
        versions_in_batch = sorted({row[3] for row in rows})
        Dossier.objects.filter(pk__in=[row[0] for row in rows]).update(
            overdue_flagged_at=now,
            apology_draft_due_at=Case(
                When(prepared, then=F("apology_draft_due_at")),
                *(When(version_id=v, then=Value(proposed[v])) for v in versions_in_batch),
                output_field=DateTimeField(),
            ),
            apology_draft_reason=Case(
                When(prepared, then=F("apology_draft_reason")),
                *(When(state=state, then=Value(text)) for state, text in reasons.items()),
                output_field=TextField(),
            ),
        )
        leaders.load({row[4] for row in rows})
        overdue = DossierEvent.objects.bulk_create(
            [
                DossierEvent(
                    dossier_id=pk,
                    kind=EventKind.OVERDUE,
                    payload={
                        "due_at": due_at.isoformat(),
                        "officer_id": officer_id,
                        "escalated_to": leaders.of(office_id),
                        "apology_draft_due_at": (
                            draft_due if prepared_by is not None else proposed[version_id]
                        ).isoformat(),
                    },
                )
                for pk, due_at, _, version_id, office_id, officer_id, prepared_by, draft_due in rows
            ]
        )
        drafted = DossierEvent.objects.bulk_create(
            [
                DossierEvent(
                    dossier_id=row[0],
                    kind=EventKind.APOLOGY_DRAFTED,
                    reason=reasons[row[2]],
                    payload={
                        "new_due_at": proposed[row[3]].isoformat(),
                        "overdue_event_id": event.pk,
                    },
                )
                for row, event in zip(rows, overdue, strict=True)
                if row[6] is None
            ]
        )
        _side_effects_for_events(overdue + drafted)
    logger.info("dossiers_flagged_late", count=len(rows))
    return len(rows)


# --- the apology draft ---------------------------------------------------------------------


def apology_draft_confirm(
    *,
    dossier: Dossier,
    actor: User,
    new_due_at: dt.datetime | None = None,
    reason: str | None = None,
    revision: int | None = None,
) -> Dossier:
    """Take the drafted apology letter on: `dossier_apologise` with the drafted date and reason.

    The officer (or leader) may correct either. An officer prepares the letter (the draft
    stays, now theirs, for a leader to sign); a leader signs and issues it. Raises
    DossierError when there is no draft, and whatever `dossier_apologise` raises (role,
    state, a date not later than the current appointed time). When the letter is issued
    the deadline flags and the draft are cleared in the same transaction, so the new
    appointed time is tracked again.
    """
    current = Dossier.objects.get(pk=dossier.pk)
    if current.apology_draft_due_at is None:
        raise DossierError(_("There is no apology draft for this dossier."))
    with transaction.atomic():
        apologised = dossier_apologise(
            dossier=current,
            actor=actor,
            reason=current.apology_draft_reason if reason is None else reason,
            new_due_at=new_due_at or current.apology_draft_due_at,
            revision=revision,
        )
        if apologised.apology_issued_at != current.apology_issued_at:
            dossier_sla_rearm(dossier_id=apologised.pk)
    return Dossier.objects.get(pk=apologised.pk)


def dossier_sla_rearm(*, dossier_id: int) -> int:
    """Clear the deadline flags and the apology draft after the appointed time moved.

    Call inside the transaction that moved `due_at` (an apology with a new date).
    """
    return Dossier.objects.filter(pk=dossier_id).update(
        due_soon_warned_at=None,
        overdue_flagged_at=None,
        apology_draft_due_at=None,
        apology_draft_reason="",
    )

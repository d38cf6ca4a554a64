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
not yet warned / flagged), in keyset batches of ids. Each dossier is then claimed with a
conditional UPDATE (`... WHERE pk = %s AND <flag> IS NULL AND due_at = <seen>`): the row
lock makes a concurrent sweep wait and then match nothing, so a second sweep, or two at
once, sends nothing twice. Events (not citizen-visible) are appended in the same
transaction, and staff notifications are enqueued on commit. The sweeps do not bump the
dossier's `revision`: an officer's open page stays valid.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import structlog
from django.conf import settings
from django.db import transaction
from django.db.models import Case, DateTimeField, F, Q, QuerySet, TextField, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User
from procedures.models import ProcedureVersion
from workdays.services import add_working_days, subtract_working_hours, working_day_length_seconds

from .constants import DossierState, EventKind
from .events import staff_alert
from .exceptions import DossierError
from .models import Dossier
from .services import event_append
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

BATCH_SIZE = 200
# A run stops after this many dossiers; the next run (minutes later) continues.
SWEEP_LIMIT = 5000
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


def _batches(qs: QuerySet[Dossier], fields: tuple[str, ...]) -> Iterator[list[tuple]]:
    """Keyset batches of `("pk", "due_at", *fields)` rows; claimed rows leave the index."""
    after: tuple[dt.datetime, int] | None = None
    while True:
        page = qs
        if after is not None:
            page = page.filter(Q(due_at__gt=after[0]) | Q(due_at=after[0], pk__gt=after[1]))
        rows = list(page.values_list("pk", "due_at", *fields)[:BATCH_SIZE])
        if not rows:
            return
        yield rows
        if len(rows) < BATCH_SIZE:
            return
        after = (rows[-1][1], rows[-1][0])


class _Leaders:
    """Active leaders per office, looked up once per sweep."""

    def __init__(self) -> None:
        self._by_office: dict[int, list[int]] = {}

    def of(self, office_id: int | None) -> list[int]:
        if office_id is None:
            return []
        if office_id not in self._by_office:
            self._by_office[office_id] = list(
                User.objects.filter(
                    role=Role.OFFICE_LEADER, office_id=office_id, is_active=True
                ).values_list("pk", flat=True)
            )
        return self._by_office[office_id]


def _recipients(officer_id: int | None, leader_ids: list[int]) -> list[int]:
    return sorted({*leader_ids, *([officer_id] if officer_id else [])})


# --- the sweeps ----------------------------------------------------------------------------


def sla_sweep_due_soon(*, now: dt.datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Warn officers and leaders of the dossiers now due soon; returns how many were warned.

    Per warning-window length in use, candidates due within a generous calendar bound are
    read earliest first; the threshold grows with the due time, so the scan stops at the
    first dossier not yet due soon.
    """
    now = now or timezone.now()
    leaders = _Leaders()
    warned = 0
    hours_in_use = (
        ProcedureVersion.objects.filter(due_soon_hours__gt=0)
        .order_by("due_soon_hours")
        .values_list("due_soon_hours", flat=True)
        .distinct()
    )
    for hours in hours_in_use:
        # The threshold is at most `hours` of office time away; a working day more covers
        # due times in closed hours. Everything beyond cannot be due soon yet.
        window = math.ceil(hours * 3600 / working_day_length_seconds()) + 1
        bound = add_working_days(now, window)
        stop = False
        candidates = due_soon_candidates(hours=hours, bound=bound)
        for rows in _batches(candidates, ("competent_office_id",)):
            for pk, due_at, office_id in rows:
                if due_soon_threshold(due_at, hours) > now:
                    stop = True
                    break
                if _warn_due_soon(
                    pk=pk,
                    due_at=due_at,
                    hours=hours,
                    now=now,
                    leader_ids=leaders.of(office_id),
                ):
                    warned += 1
                if warned >= limit:
                    return warned
            if stop:
                break
    if warned:
        logger.info("sla_due_soon_swept", warned=warned)
    return warned


def _warn_due_soon(
    *,
    pk: int,
    due_at: dt.datetime,
    hours: int,
    now: dt.datetime,
    leader_ids: list[int],
) -> bool:
    with transaction.atomic():
        claimed = Dossier.objects.filter(
            pk=pk, due_at=due_at, due_soon_warned_at__isnull=True, state__in=DUE_SOON_STATES
        ).update(due_soon_warned_at=now)
        if not claimed:  # warned by another sweep, or changed since it was read
            return False
        dossier = Dossier.objects.get(pk=pk)
        recipients = _recipients(dossier.assigned_to_id, leader_ids)
        event = event_append(
            dossier=dossier,
            kind=EventKind.DUE_SOON,
            actor=None,
            payload={
                "due_at": due_at.isoformat(),
                "due_soon_hours": hours,
                "officer_id": dossier.assigned_to_id,
                "leader_ids": leader_ids,
            },
        )
        if recipients:
            staff_alert(event=event, recipients=recipients)
    logger.info("dossier_due_soon_warned", dossier_id=pk, recipients=len(recipients))
    return True


def sla_sweep_overdue(*, now: dt.datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Flag late the dossiers past their appointed time, escalate, draft the apology.

    Returns how many dossiers were flagged.
    """
    now = now or timezone.now()
    leaders = _Leaders()
    versions: dict[int, ProcedureVersion] = {}
    flagged = 0
    fields = ("state", "version_id", "competent_office_id")
    for rows in _batches(overdue_candidates(now=now), fields):
        for pk, due_at, state, version_id, office_id in rows:
            if version_id not in versions:
                versions[version_id] = ProcedureVersion.objects.get(pk=version_id)
            if _flag_overdue(
                pk=pk,
                due_at=due_at,
                state=state,
                version=versions[version_id],
                now=now,
                leader_ids=leaders.of(office_id),
            ):
                flagged += 1
            if flagged >= limit:
                return flagged
    if flagged:
        logger.info("sla_overdue_swept", flagged=flagged)
    return flagged


def _flag_overdue(
    *,
    pk: int,
    due_at: dt.datetime,
    state: str,
    version: ProcedureVersion,
    now: dt.datetime,
    leader_ids: list[int],
) -> bool:
    new_due = apology_proposed_due(version, now)
    reason = apology_draft_reason(state)
    # A letter an officer already prepared (awaiting a leader's signature) is kept.
    prepared = Q(apology_prepared_by__isnull=False)
    with transaction.atomic():
        claimed = Dossier.objects.filter(
            pk=pk,
            due_at=due_at,
            due_at__lte=now,
            state=state,
            overdue_flagged_at__isnull=True,
        ).update(
            overdue_flagged_at=now,
            apology_draft_due_at=Case(
                When(prepared, then=F("apology_draft_due_at")),
                default=Value(new_due),
                output_field=DateTimeField(),
            ),
            apology_draft_reason=Case(
                When(prepared, then=F("apology_draft_reason")),
                default=Value(reason),
                output_field=TextField(),
            ),
        )
        if not claimed:  # flagged by another sweep, or changed since it was read
            return False
        dossier = Dossier.objects.get(pk=pk)
        if dossier.apology_prepared_by_id is not None:
            new_due = dossier.apology_draft_due_at
        recipients = _recipients(dossier.assigned_to_id, leader_ids)
        event = event_append(
            dossier=dossier,
            kind=EventKind.OVERDUE,
            actor=None,
            payload={
                "due_at": due_at.isoformat(),
                "officer_id": dossier.assigned_to_id,
                "escalated_to": leader_ids,
                "apology_draft_due_at": new_due.isoformat(),
            },
        )
        if dossier.apology_prepared_by_id is None:
            event_append(
                dossier=dossier,
                kind=EventKind.APOLOGY_DRAFTED,
                actor=None,
                reason=reason,
                payload={"new_due_at": new_due.isoformat(), "overdue_event_id": event.pk},
            )
        if recipients:
            staff_alert(event=event, recipients=recipients)
    logger.info(
        "dossier_flagged_late",
        dossier_id=pk,
        escalated_to=len(leader_ids),
        officer_notified=dossier.assigned_to_id is not None,
    )
    return True


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

"""The processing workflow: every officer and citizen action on a received dossier.

Each action: lock the row, check the page's revision (someone else may have acted since the
page was shown), check the actor's role, run the django-fsm transition, save the changed
fields, append the audit event, record the hand-over for the control sheet, and schedule
letters and notifications on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from accounts.constants import Role
from accounts.models import User
from workdays.services import add_working_seconds, working_seconds_between

from ..constants import (
    CLOCK_RUNNING_STATES,
    OPEN_STATES,
    DossierState,
    EventKind,
    Outcome,
    ReturnMethod,
    SlipKind,
    Timeliness,
)
from ..events import counts_changed, staff_alert
from ..exceptions import DossierConflict, DossierError, NotAllowed, NotAllowedInState
from ..models import Dossier, DossierHandover
from ..numbers import decision_number_assign
from .intake import event_append

logger = structlog.get_logger(__name__)

RECEPTION_DESK = "Bộ phận tiếp nhận và trả kết quả"
PROCESSING_UNIT = "Bộ phận xử lý nghiệp vụ"
LEADERSHIP = "Lãnh đạo đơn vị"
APPLICANT = "Người nộp hồ sơ"

# --- who may act ---------------------------------------------------------------------


def _at_competent_office(user: User, dossier: Dossier) -> bool:
    return user.office_id is not None and user.office_id == dossier.competent_office_id


def is_reception_staff(user: User, dossier: Dossier) -> bool:
    return user.role in (Role.COUNTER_OFFICER, Role.PROCESSING_OFFICER) and (
        _at_competent_office(user, dossier)
        or (user.office_id is not None and user.office_id == dossier.receiving_office_id)
    )


def is_assigned_officer(user: User, dossier: Dossier) -> bool:
    return user.role == Role.PROCESSING_OFFICER and dossier.assigned_to_id == user.pk


def is_office_leader(user: User, dossier: Dossier) -> bool:
    return user.role == Role.OFFICE_LEADER and _at_competent_office(user, dossier)


def is_applicant(user: User, dossier: Dossier) -> bool:
    return user.role == Role.CITIZEN and dossier.applicant_id == user.pk


def _supplement_actor(user: User, dossier: Dossier) -> bool:
    if dossier.state in (DossierState.SUBMITTED, DossierState.RECEIVED):
        return is_reception_staff(user, dossier)
    return is_assigned_officer(user, dossier)


def _supply_actor(user: User, dossier: Dossier) -> bool:
    """The applicant (online) or the counter (papers brought in person)."""
    return is_applicant(user, dossier) or (
        user.role == Role.COUNTER_OFFICER and is_reception_staff(user, dossier)
    )


def _return_actor(user: User, dossier: Dossier) -> bool:
    return is_reception_staff(user, dossier) or is_office_leader(user, dossier)


def _apology_actor(user: User, dossier: Dossier) -> bool:
    return is_assigned_officer(user, dossier) or is_office_leader(user, dossier)


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    method: str
    allowed: Callable[[User, Dossier], bool]
    needs_reason: bool = False
    style: str = "secondary"


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("accept", _("Receive"), "accept", is_reception_staff, style="primary"),
        Action("refuse", _("Refuse"), "refuse", is_reception_staff, True, "danger"),
        Action(
            "request_supplement",
            _("Request a supplement"),
            "request_supplement",
            _supplement_actor,
            True,
        ),
        Action("supply", _("Supplement provided"), "supply", _supply_actor, style="primary"),
        Action(
            "send_to_appraisal", _("Send to appraisal"), "send_to_appraisal", is_assigned_officer
        ),
        Action("request_payment", _("Request payment"), "request_payment", is_assigned_officer),
        Action("confirm_payment", _("Payment received"), "confirm_payment", is_assigned_officer),
        Action("approve", _("Approve"), "propose_decision", is_assigned_officer, style="primary"),
        Action("deny", _("Deny"), "propose_decision", is_assigned_officer, True, "danger"),
        Action("sign", _("Sign the result"), "sign", is_office_leader, style="primary"),
        Action("send_back", _("Send back to the officer"), "send_back", is_office_leader, True),
        Action(
            "return_result", _("Return the result"), "return_result", _return_actor, style="primary"
        ),
        Action("apologise", _("Issue an apology with a new date"), "", _apology_actor, True),
        Action("stop", _("Stop processing"), "stop", is_office_leader, True, "danger"),
        Action("withdraw", _("Withdraw the dossier"), "withdraw", is_applicant, True, "danger"),
    ]
}

APOLOGY_STATES = frozenset(
    {
        DossierState.SUBMITTED,
        DossierState.RECEIVED,
        DossierState.IN_PROCESSING,
        DossierState.APPRAISAL,
        DossierState.AWAITING_SIGNATURE,
        DossierState.PAYMENT_REQUESTED,
        DossierState.PROCESSED,
    }
)


def available_actions(user: User, dossier: Dossier) -> list[Action]:
    """The actions this user can take on this dossier now (buttons shown on the page)."""
    result = []
    for action in ACTIONS.values():
        if not action.allowed(user, dossier):
            continue
        if action.name == "apologise":
            if dossier.state in APOLOGY_STATES:
                result.append(action)
            continue
        if can_proceed(getattr(dossier, action.method)):
            result.append(action)
    return result


# --- timeliness ----------------------------------------------------------------------


def statutory_due(dossier: Dossier) -> dt.datetime | None:
    """The appointed time by law: moved by supplements (the clock stops), never by an apology
    (`Dossier.statutory_appointment`)."""
    return dossier.statutory_appointment


def timeliness_at(moment: dt.datetime, due_at: dt.datetime | None) -> str:
    """Early when done on an earlier day than appointed; on time up to the appointed time.

    Pass the statutory appointed time (`statutory_due`): an apology's new date never makes a
    late dossier on time or early.
    """
    if due_at is None:
        return ""
    if timezone.localdate(moment) < timezone.localdate(due_at):
        return Timeliness.EARLY
    if moment <= due_at:
        return Timeliness.ON_TIME
    return Timeliness.LATE


def dossier_timeliness(dossier: Dossier, now: dt.datetime | None = None) -> str:
    """Early / on time / late as the citizen, the tracker, the API and the figures say it.

    A returned dossier has its recorded result. An open one is late once its statutory date
    has passed (for one awaiting a supplement: when its clock stopped after that date),
    whatever new date an apology gave; otherwise it has no result yet ("").
    """
    if dossier.state == DossierState.RETURNED:
        return dossier.timeliness
    statutory = statutory_due(dossier)
    if statutory is None:
        return ""
    if dossier.state == DossierState.SUPPLEMENT_REQUESTED:
        moment = dossier.clock_paused_at
    elif dossier.state in CLOCK_RUNNING_STATES or dossier.state == DossierState.PROCESSED:
        moment = now or timezone.now()
    else:
        return ""
    if moment is not None and moment > statutory:
        return Timeliness.LATE
    return ""


def handover_result(dossier: Dossier, at: dt.datetime) -> str:
    """Early / on time / late of a hand-over at `at`: the control sheet's result column.

    Recorded on the hand-over's event (`payload["timeliness"]`) and its DossierHandover
    row, so the sheet shows what was true when the dossier changed hands. Judged against
    the statutory date: an apology's new date never makes a late hand-over on time.
    """
    return timeliness_at(at, statutory_due(dossier))


def _handover(
    dossier: Dossier,
    *,
    unit: str,
    step: str,
    given_by: User | None,
    received_by: User | None,
    at: dt.datetime,
    note: str = "",
) -> None:
    DossierHandover.objects.create(
        dossier=dossier,
        unit=unit,
        step=step,
        given_by=given_by,
        received_by=received_by,
        given_at=at,
        received_at=at,
        result=handover_result(dossier, at),
        note=note[:300],
    )


# --- the engine ----------------------------------------------------------------------


def _lock(dossier: Dossier) -> Dossier:
    # Only the dossier's row: the version is read, not locked, or every action on dossiers of
    # one procedure version would wait for the others.
    return (
        Dossier.objects.select_for_update(of=("self",)).select_related("version").get(pk=dossier.pk)
    )


def _act(
    *,
    dossier: Dossier,
    actor: User,
    action: str,
    revision: int | None,
    run: Callable[[Dossier, dt.datetime], list[str]],
    reason: str = "",
    payload: dict | None = None,
    citizen_visible: bool = False,
    letter: str | None = None,
    staff_to_notify: Callable[[Dossier], list[int]] | None = None,
) -> Dossier:
    spec = ACTIONS[action]
    if spec.needs_reason and not reason.strip():
        raise DossierError(_("Please give a reason."))
    with transaction.atomic():
        locked = _lock(dossier)
        if revision is not None and revision != locked.revision:
            raise DossierConflict()
        if not spec.allowed(actor, locked):
            raise NotAllowed()
        if spec.method and not can_proceed(getattr(locked, spec.method)):
            raise NotAllowedInState()
        from_state = locked.state
        now = timezone.now()
        result = handover_result(locked, now)  # against the time in force before the action
        changed = run(locked, now)
        locked.revision = F("revision") + 1
        locked.save(update_fields=sorted({*changed, "state", "revision", "updated_at"}))
        event = event_append(
            dossier=locked,
            kind=EventKind.TRANSITION,
            actor=actor,
            from_state=from_state,
            to_state=locked.state,
            reason=reason.strip(),
            payload={"action": action, "timeliness": result, **(payload or {})},
            citizen_visible=citizen_visible,
            notify_citizen=citizen_visible,
            letter=letter,
        )
        # The registry (an approved result), webhooks, the letter and the applicant's
        # notification subscribe to the event (dossiers.events); staff alerts and the
        # dashboards' figures are published here.
        counts_changed(locked.pk)
        if staff_to_notify is not None and (recipients := staff_to_notify(locked)):
            staff_alert(event=event, recipients=recipients)
    logger.info("dossier_action", dossier_id=locked.pk, action=action, to_state=locked.state)
    return Dossier.objects.get(pk=locked.pk)  # not refresh_from_db: see docs/adr/0003


# --- reception -----------------------------------------------------------------------


def dossier_accept(*, dossier: Dossier, officer: User, revision: int | None = None) -> Dossier:
    def run(d, now):
        d.accept(at=now, officer=officer)
        return ["received_at", "received_by"]

    # One transaction: `_act` locks the row and the lock holds until the automatic
    # assignment below is done, so the dossier `_act` returns is the locked one.
    with transaction.atomic():
        accepted = _act(
            dossier=dossier,
            actor=officer,
            action="accept",
            revision=revision,
            run=run,
            citizen_visible=True,
        )
        if dossier_auto_assign(locked=accepted, by=officer) is None:
            return accepted
    return Dossier.objects.get(pk=accepted.pk)


def dossier_refuse(
    *, dossier: Dossier, officer: User, reason: str, revision: int | None = None
) -> Dossier:
    def run(d, now):
        d.refuse(reason=reason.strip())
        return ["stop_reason"]

    return _act(
        dossier=dossier,
        actor=officer,
        action="refuse",
        revision=revision,
        run=run,
        reason=reason,
        citizen_visible=True,
        letter=SlipKind.REFUSAL,
    )


# --- assignment ----------------------------------------------------------------------


def dossier_assign(
    *, dossier: Dossier, leader: User, officer: User, revision: int | None = None
) -> Dossier:
    """A leader assigns (or reassigns) a dossier; a received one starts processing."""
    if officer.role != Role.PROCESSING_OFFICER or officer.office_id != leader.office_id:
        raise DossierError(_("Choose a processing officer of your office."))
    with transaction.atomic():
        locked = _lock(dossier)
        if revision is not None and revision != locked.revision:
            raise DossierConflict()
        if not is_office_leader(leader, locked):
            raise NotAllowed()
        if locked.state not in (
            DossierState.RECEIVED,
            DossierState.IN_PROCESSING,
            DossierState.APPRAISAL,
            DossierState.SUPPLEMENT_REQUESTED,
            DossierState.PAYMENT_REQUESTED,
        ):
            raise NotAllowedInState()
        _assign(locked, officer=officer, by=leader)
    return Dossier.objects.get(pk=locked.pk)


def _assign(locked: Dossier, *, officer: User, by: User) -> None:
    now = timezone.now()
    from_state = locked.state
    previous = locked.assigned_to
    locked.assigned_to = officer
    locked.assigned_at = now
    fields = ["assigned_to", "assigned_at", "revision", "updated_at"]
    if locked.state == DossierState.RECEIVED:
        locked.start_processing()
        fields.append("state")
        _handover(
            locked,
            unit=RECEPTION_DESK,
            step="assign",
            given_by=locked.received_by or by,
            received_by=officer,
            at=now,
        )
    locked.revision = F("revision") + 1
    locked.save(update_fields=fields)
    event_append(
        dossier=locked,
        kind=EventKind.TRANSITION,
        actor=by,
        from_state=from_state,
        to_state=locked.state,
        payload={
            "action": "assign",
            "officer_id": officer.pk,
            "previous_officer_id": previous.pk if previous else None,
            "timeliness": handover_result(locked, now),
        },
        citizen_visible=from_state != locked.state,
    )


def dossier_auto_assign(*, locked: Dossier, by: User) -> User | None:
    """At an office that assigns received dossiers automatically, give this received,
    unassigned dossier (locked, inside the reception transaction) to the present processing
    officer of the competent office with the fewest open dossiers (ties: the one assigned
    least recently, then the lowest id), through `_assign` as a leader's assignment.

    The office's officer rows are locked first (in id order), so concurrent receptions count
    one after the other and never read stale loads. With nobody present the dossier stays
    unassigned and the office's leaders are told on commit. Returns the officer or None.
    """
    from offices.models import Office

    if (
        locked.state != DossierState.RECEIVED
        or locked.assigned_to_id is not None
        or locked.competent_office_id is None
        or not Office.objects.filter(pk=locked.competent_office_id, auto_assign=True).exists()
    ):
        return None
    officers = User.objects.filter(
        office_id=locked.competent_office_id, role=Role.PROCESSING_OFFICER, is_active=True
    )
    list(officers.select_for_update().order_by("pk").values_list("pk", flat=True))
    today = timezone.localdate()
    officer = (
        officers.filter(Q(absent_until__isnull=True) | Q(absent_until__lt=today))
        .annotate(
            open_count=Count(
                "assigned_dossiers", filter=Q(assigned_dossiers__state__in=OPEN_STATES)
            ),
            last_assigned_at=Max("assigned_dossiers__assigned_at"),
        )
        .order_by("open_count", F("last_assigned_at").asc(nulls_first=True), "pk")
        .first()
    )
    if officer is None:
        if leaders := _office_leader_ids(locked):
            event = locked.events.order_by("-pk").first()
            staff_alert(event=event, recipients=leaders)
        logger.info("dossier_auto_assign_nobody_present", dossier_id=locked.pk)
        return None
    _assign(locked, officer=officer, by=by)
    logger.info("dossier_auto_assigned", dossier_id=locked.pk, officer_id=officer.pk)
    return officer


def can_take(user: User, dossier: Dossier) -> bool:
    """A processing officer of the competent office may take a received dossier nobody
    holds yet (and so start processing it) without waiting for a leader's assignment."""
    return (
        user.role == Role.PROCESSING_OFFICER
        and _at_competent_office(user, dossier)
        and dossier.state == DossierState.RECEIVED
        and dossier.assigned_to_id is None
    )


def dossier_take(*, dossier: Dossier, officer: User, revision: int | None = None) -> Dossier:
    """The officer takes this received, unassigned dossier and starts processing it."""
    with transaction.atomic():
        locked = _lock(dossier)
        if revision is not None and revision != locked.revision:
            raise DossierConflict()
        if officer.role != Role.PROCESSING_OFFICER or not _at_competent_office(officer, locked):
            raise NotAllowed()
        if locked.assigned_to_id is not None:
            raise DossierError(_("Another officer already holds this dossier."))
        if locked.state != DossierState.RECEIVED:
            raise NotAllowedInState()
        _assign(locked, officer=officer, by=officer)
    return Dossier.objects.get(pk=locked.pk)


def dossier_take_next(*, officer: User) -> Dossier | None:
    """Assign the officer the received, unassigned dossier of the office that is due first."""
    if officer.role != Role.PROCESSING_OFFICER or officer.office_id is None:
        raise NotAllowed()
    with transaction.atomic():
        candidate = (
            Dossier.objects.select_for_update(skip_locked=True)
            .filter(
                competent_office_id=officer.office_id,
                state=DossierState.RECEIVED,
                assigned_to__isnull=True,
            )
            .order_by("due_at", "id")
            .first()
        )
        if candidate is None:
            return None
        _assign(candidate, officer=officer, by=officer)
    return Dossier.objects.get(pk=candidate.pk)


# --- supplement ----------------------------------------------------------------------


def dossier_request_supplement(
    *,
    dossier: Dossier,
    actor: User,
    reason: str,
    items: list[str],
    revision: int | None = None,
) -> Dossier:
    items = [item.strip() for item in items if item and item.strip()]
    if not items:
        raise DossierError(_("List at least one missing item."))

    def run(d, now):
        d.request_supplement(at=now, reason=reason.strip(), items=items)
        return [
            "state_before_supplement",
            "supplement_reason",
            "supplement_items",
            "clock_paused_at",
        ]

    return _act(
        dossier=dossier,
        actor=actor,
        action="request_supplement",
        revision=revision,
        run=run,
        reason=reason,
        payload={"items": items},
        citizen_visible=True,
        letter=SlipKind.SUPPLEMENT,
    )


def dossier_supply(
    *, dossier: Dossier, actor: User, note: str = "", revision: int | None = None
) -> Dossier:
    """The supplement arrived: the clock restarts with the time it was stopped added."""

    def run(d, now):
        if (
            actor.role == Role.CITIZEN
            and d.clock_paused_at is not None
            and not d.documents.filter(created_at__gte=d.clock_paused_at).exists()
        ):
            raise DossierError(_("Upload the requested documents first."))
        paused = max(working_seconds_between(d.clock_paused_at, now) if d.clock_paused_at else 0, 0)
        statutory = statutory_due(d)
        d.supply(
            due_at=add_working_seconds(d.due_at, paused) if d.due_at else None,
            # The statutory clock stops too: the law's date moves by the same time.
            statutory_due_at=add_working_seconds(statutory, paused) if statutory else None,
        )
        d.due_soon_warned_at = None  # the moved date gets its own warning
        return [
            "due_at",
            "statutory_due_at",
            "clock_paused_at",
            "state_before_supplement",
            "due_soon_warned_at",
        ]

    with transaction.atomic():
        supplied = _act(
            dossier=dossier,
            actor=actor,
            action="supply",
            revision=revision,
            run=run,
            reason=note,
            citizen_visible=True,
        )
        # Back to "received" with nobody holding it: as at reception.
        if (
            supplied.state != DossierState.RECEIVED
            or supplied.assigned_to_id is not None
            or dossier_auto_assign(locked=supplied, by=actor) is None
        ):
            return supplied
    return Dossier.objects.get(pk=supplied.pk)


# --- processing ----------------------------------------------------------------------


def _simple(action: str, method: str):
    def service(*, dossier: Dossier, officer: User, revision: int | None = None) -> Dossier:
        def run(d, now):
            getattr(d, method)()
            return []

        return _act(dossier=dossier, actor=officer, action=action, revision=revision, run=run)

    service.__name__ = f"dossier_{action}"
    return service


dossier_send_to_appraisal = _simple("send_to_appraisal", "send_to_appraisal")
dossier_request_payment = _simple("request_payment", "request_payment")
dossier_confirm_payment = _simple("confirm_payment", "confirm_payment")


def dossier_decide(
    *,
    dossier: Dossier,
    officer: User,
    outcome: str,
    decision_text: str,
    revision: int | None = None,
) -> Dossier:
    """The officer's decision: approved or denied (a denial needs its reason)."""
    if outcome not in Outcome.values:
        raise DossierError(_("Unknown outcome."))
    action = "approve" if outcome == Outcome.APPROVED else "deny"
    # Without a leader's signature step the officer's decision is final: it is numbered
    # and its result document issued (signed digitally) at once.
    final = not Dossier.objects.values_list("version__step_leader_signature", flat=True).get(
        pk=dossier.pk
    )

    def run(d, now):
        d.propose_decision(outcome=outcome, decision_text=decision_text.strip(), at=now)
        changed = ["outcome", "decision_text", "decided_at"]
        if d.state == DossierState.AWAITING_SIGNATURE:
            _handover(
                d, unit=PROCESSING_UNIT, step="decide", given_by=officer, received_by=None, at=now
            )
        else:
            changed += decision_number_assign(d, at=now)
        return changed

    return _act(
        dossier=dossier,
        actor=officer,
        action=action,
        revision=revision,
        run=run,
        reason=decision_text if outcome == Outcome.DENIED else "",
        payload={"outcome": outcome},
        letter=SlipKind.RESULT if final else None,
    )


def dossier_sign(*, dossier: Dossier, leader: User, revision: int | None = None) -> Dossier:
    """The leader signs: the decision document is generated and signed (PAdES) on commit."""

    def run(d, now):
        d.sign(leader=leader, at=now)
        _handover(d, unit=LEADERSHIP, step="sign", given_by=leader, received_by=None, at=now)
        return ["signed_by", "signed_at", "decided_at", *decision_number_assign(d, at=now)]

    return _act(
        dossier=dossier,
        actor=leader,
        action="sign",
        revision=revision,
        run=run,
        citizen_visible=True,
        letter=SlipKind.RESULT,
    )


def dossier_send_back(
    *, dossier: Dossier, leader: User, reason: str, revision: int | None = None
) -> Dossier:
    def run(d, now):
        d.send_back()
        return ["outcome"]

    return _act(
        dossier=dossier, actor=leader, action="send_back", revision=revision, run=run, reason=reason
    )


def dossier_return_result(
    *,
    dossier: Dossier,
    officer: User,
    delivery: str,
    tracking_number: str = "",
    revision: int | None = None,
) -> Dossier:
    """Hand the result over. A late dossier must have had its apology letter first."""
    if delivery not in ReturnMethod.values:
        raise DossierError(_("Choose how the result is returned."))
    if delivery == ReturnMethod.POST and not tracking_number.strip():
        raise DossierError(_("Enter the postal tracking number."))

    def run(d, now):
        # Judged against the statutory date: returned after it, the dossier is late whatever
        # new date an apology gave.
        timeliness = timeliness_at(now, statutory_due(d))
        if timeliness == Timeliness.LATE and d.apology_issued_at is None:
            raise DossierError(
                _("This dossier is late: issue the apology letter with a new date first.")
            )
        d.return_result(
            at=now,
            delivery=delivery,
            tracking_number=tracking_number.strip(),
            timeliness=timeliness,
        )
        _handover(
            d,
            unit=RECEPTION_DESK,
            step="return",
            given_by=officer,
            received_by=None,
            at=now,
            note=str(ReturnMethod(delivery).label),
        )
        return ["returned_at", "result_delivery", "post_tracking_number", "timeliness"]

    return _act(
        dossier=dossier,
        actor=officer,
        action="return_result",
        revision=revision,
        run=run,
        payload={"delivery": delivery},
        citizen_visible=True,
    )


def dossier_apologise(
    *,
    dossier: Dossier,
    actor: User,
    reason: str,
    new_due_at: dt.datetime,
    revision: int | None = None,
) -> Dossier:
    """Apology letter with a new return date (form 04, required when a dossier will be late).

    The letter is the office's, signed by its head: an officer *prepares* it (the proposed
    date and reason wait on the dossier, as the SLA sweep's draft does, for a leader); an
    office leader *signs* it, which issues it: the appointed time moves, the citizen is
    told, and the letter names the officer who prepared it and carries the leader's
    signature. A leader may also prepare and sign in one go.
    """
    signing = actor.role == Role.OFFICE_LEADER
    # Filled in by `run` under the row lock, before the event is written.
    payload: dict = {"new_due_at": new_due_at.isoformat()}

    def run(d, now):
        if d.state not in APOLOGY_STATES:
            raise NotAllowedInState()
        if new_due_at <= now or (d.due_at and new_due_at <= d.due_at):
            raise DossierError(_("The new date must be later than the current appointed date."))
        if not signing:
            d.apology_draft_due_at = new_due_at
            d.apology_draft_reason = reason.strip()
            d.apology_prepared_by = actor
            payload["stage"] = "prepared"
            return ["apology_draft_due_at", "apology_draft_reason", "apology_prepared_by"]
        payload["stage"] = "signed"
        payload["prepared_by_id"] = d.apology_prepared_by_id or actor.pk
        d.due_at = new_due_at
        d.apology_issued_at = now
        # The new date is tracked afresh: warnings, the late flag and the draft start over.
        d.due_soon_warned_at = None
        d.overdue_flagged_at = None
        d.apology_draft_due_at = None
        d.apology_draft_reason = ""
        d.apology_prepared_by = None
        return [
            "due_at",
            "apology_issued_at",
            "due_soon_warned_at",
            "overdue_flagged_at",
            "apology_draft_due_at",
            "apology_draft_reason",
            "apology_prepared_by",
        ]

    return _act(
        dossier=dossier,
        actor=actor,
        action="apologise",
        revision=revision,
        run=run,
        reason=reason,
        payload=payload,
        citizen_visible=signing,
        letter=SlipKind.APOLOGY if signing else None,
        staff_to_notify=None if signing else _office_leader_ids,
    )


def _office_leader_ids(dossier: Dossier) -> list[int]:
    """The active leaders of the competent office: who may sign a prepared letter."""
    return list(
        User.objects.filter(
            role=Role.OFFICE_LEADER, office_id=dossier.competent_office_id, is_active=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def dossier_withdraw(
    *, dossier: Dossier, citizen: User, reason: str, revision: int | None = None
) -> Dossier:
    def run(d, now):
        d.withdraw(reason=reason.strip())
        return ["stop_reason"]

    return _act(
        dossier=dossier,
        actor=citizen,
        action="withdraw",
        revision=revision,
        run=run,
        reason=reason,
        citizen_visible=True,
    )


def dossier_stop(
    *, dossier: Dossier, leader: User, reason: str, revision: int | None = None
) -> Dossier:
    def run(d, now):
        d.stop(reason=reason.strip())
        return ["stop_reason"]

    return _act(
        dossier=dossier,
        actor=leader,
        action="stop",
        revision=revision,
        run=run,
        reason=reason,
        citizen_visible=True,
        letter=SlipKind.STOPPED,
    )

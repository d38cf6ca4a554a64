"""Form 05's rows (phiếu kiểm soát quá trình giải quyết hồ sơ), derived from the event trail.

One row per hand-over of the dossier from one holder to the next: reception desk →
processing officer (assignment, or a reassignment between officers), officer → applicant
(supplement requested) and back (supplement provided), officer → leader (submitted for
signature), leader → officer (sent back), leader or officer → reception desk (result to
return), reception desk → applicant (result returned).

- giver: who held the dossier before; receiver: who holds it after (a leader who has not
  yet signed, or a desk officer who has not yet returned the result, is filled in by the
  event that shows who took it; blank until then);
- unit: the receiving unit and its office;
- result (early / on time / late): the one recorded on the event when it happened
  (`payload["timeliness"]`, written by `dossiers.services.workflow`); blank for events
  recorded before results were kept on events.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User

from .constants import DossierState, EventKind
from .documents.reception_slip import RETURN_METHOD_LABELS
from .models import Dossier, DossierEvent
from .services.workflow import APPLICANT, LEADERSHIP, PROCESSING_UNIT, RECEPTION_DESK


@dataclass
class _Holder:
    name: str
    unit: str


def _name(user: User | None) -> str:
    return user.display_name if user is not None else ""


def _unit(unit: str, office) -> str:
    if unit == APPLICANT or office is None:
        return unit
    return f"{unit}, {office.name}"


def control_sheet_handovers(dossier: Dossier) -> list[dict]:
    """The hand-overs of `dossier`, oldest first, as `render_control_sheet` takes them."""
    dossier = Dossier.objects.select_related(
        "received_by", "assigned_to", "receiving_office", "competent_office"
    ).get(pk=dossier.pk)
    events = list(
        DossierEvent.objects.filter(
            dossier=dossier, kind__in=[EventKind.RECEIVED, EventKind.TRANSITION]
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    officer_ids = {e.payload.get("officer_id") for e in events} | {
        e.payload.get("previous_officer_id") for e in events
    }
    users = {u.pk: u for u in User.objects.filter(pk__in=[i for i in officer_ids if i])}
    front = dossier.receiving_office or dossier.competent_office
    back = dossier.competent_office or dossier.receiving_office
    units = {
        RECEPTION_DESK: _unit(RECEPTION_DESK, front),
        PROCESSING_UNIT: _unit(PROCESSING_UNIT, back),
        LEADERSHIP: _unit(LEADERSHIP, back),
        APPLICANT: APPLICANT,
    }
    applicant = dossier.applicant_name

    holder = _Holder(_name(dossier.received_by), RECEPTION_DESK)
    before_supplement = holder
    rows: list[dict] = []
    # Rows whose receiver is only known from a later event: (row, actions that name them).
    pending: list[tuple[dict, set[str]]] = []

    def add(event, *, giver: str, receiver: str, unit: str, note: str = "", waits=None):
        row = {
            "unit": units[unit],
            "given_at": event.created_at,
            "received_at": event.created_at if receiver else None,
            "result": event.payload.get("timeliness", ""),
            "note": note,
            "giver": giver,
            "receiver": receiver,
        }
        rows.append(row)
        if waits:
            pending.append((row, waits))

    for event in events:
        action = event.payload.get("action", "")
        actor = _name(event.actor)
        for row, waits in list(pending):
            if action in waits:
                row["receiver"] = actor
                row["received_at"] = event.created_at
                pending.remove((row, waits))
        if event.kind == EventKind.RECEIVED or action == "accept":
            holder = _Holder(actor, RECEPTION_DESK)
        elif action == "assign":
            officer = _name(users.get(event.payload.get("officer_id")))
            previous = users.get(event.payload.get("previous_officer_id"))
            # From the desk, or from the officer who had it (also while the applicant
            # supplements: the supplement then comes back to the new officer).
            giver = holder if previous is None else _Holder(_name(previous), PROCESSING_UNIT)
            if officer != giver.name or giver.unit != PROCESSING_UNIT:
                add(
                    event,
                    giver=giver.name,
                    receiver=officer,
                    unit=PROCESSING_UNIT,
                    note="Phân công giải quyết" if previous is None else "Phân công lại",
                )
            if holder.unit == APPLICANT:
                before_supplement = _Holder(officer, PROCESSING_UNIT)
            else:
                holder = _Holder(officer, PROCESSING_UNIT)
        elif action == "request_supplement":
            before_supplement = holder if holder.name else _Holder(actor, holder.unit)
            add(
                event,
                giver=actor or holder.name,
                receiver=applicant,
                unit=APPLICANT,
                note="Yêu cầu bổ sung, hoàn thiện hồ sơ",
            )
            holder = _Holder(applicant, APPLICANT)
        elif action == "supply":
            add(
                event,
                giver=applicant,
                receiver=before_supplement.name,
                unit=before_supplement.unit,
                note="Đã bổ sung hồ sơ",
            )
            holder = before_supplement
        elif action in ("approve", "deny") and event.to_state == DossierState.AWAITING_SIGNATURE:
            add(
                event,
                giver=actor or holder.name,
                receiver="",
                unit=LEADERSHIP,
                note="Trình ký kết quả",
                waits={"sign", "send_back"},
            )
            holder = _Holder("", LEADERSHIP)
        elif action == "send_back":
            officer = _name(dossier.assigned_to)
            add(
                event,
                giver=actor,
                receiver=officer,
                unit=PROCESSING_UNIT,
                note="Trả lại để xem xét",
            )
            holder = _Holder(officer, PROCESSING_UNIT)
        elif action in ("approve", "deny", "sign") and event.to_state == DossierState.PROCESSED:
            add(
                event,
                giver=actor or holder.name,
                receiver="",
                unit=RECEPTION_DESK,
                note="Chuyển kết quả để trả",
                waits={"return_result"},
            )
            holder = _Holder("", RECEPTION_DESK)
        elif action == "return_result":
            label = RETURN_METHOD_LABELS.get(event.payload.get("delivery", ""), "")
            add(
                event,
                giver=actor,
                receiver=applicant,
                unit=APPLICANT,
                note=f"Trả kết quả: {label}" if label else "Trả kết quả",
            )
            holder = _Holder(applicant, APPLICANT)
    return rows

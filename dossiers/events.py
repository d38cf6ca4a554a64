"""What the dossier app publishes for other apps (and itself) to react to (ADR 0006).

Every audit event is published on `EVENT` from `services.intake.event_append`, in the
transaction that wrote it; the subscribers (registered in each app's `apps.py`) decide what
follows: a reception slip, a letter, the citizen's notification, partner webhooks, the
registry, digitisation. The writer adds hints to the context where only it knows the
answer (which letter the action issues, whether the applicant is told).

Topics and their context (all JSON):

- `EVENT` (ref: the DossierEvent): dossier_id, kind, from_state, to_state,
  citizen_visible; optional hints `notify_citizen` (bool) and `letter` (a SlipKind).
  Subscribers' predicates also receive the in-memory event itself.
- `STAFF_ALERT` (ref: the DossierEvent): recipients, the staff user ids to tell.
- `COUNTS_CHANGED` (ref: the Dossier): dossier_id; the dossier's figures on the dashboards changed.
- `RECEPTION_SLIP_ISSUED` (ref: the submission or reception event the slip confirms).
- `TAKEOVER_CODE` (ref: the `takeover_code_sent` event): dossier_id, consent_id and the
  one-time `code` a counter asks the applicant for; the subscriber delivers it to the
  applicant's inbox and phone (the row is purged with the outbox; the code expires first).

This module imports no app above `dossiers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from outbox.services import message_publish, messages_publish

if TYPE_CHECKING:
    from .models import DossierEvent

EVENT = "dossiers.event"
STAFF_ALERT = "dossiers.staff_alert"
COUNTS_CHANGED = "dossiers.counts_changed"
RECEPTION_SLIP_ISSUED = "dossiers.reception_slip_issued"
TAKEOVER_CODE = "dossiers.takeover_code"


def event_publish(
    *, event: DossierEvent, notify_citizen: bool = False, letter: str | None = None
) -> None:
    """Publish an audit event (call in its transaction; `event_append` does)."""
    context = {
        "dossier_id": event.dossier_id,
        "kind": event.kind,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "citizen_visible": event.citizen_visible,
    }
    if notify_citizen:
        context["notify_citizen"] = True
    if letter:
        context["letter"] = str(letter)
    message_publish(topic=EVENT, ref_id=event.pk, subject=event, context=context)


def _event_context(event: DossierEvent) -> dict:
    return {
        "dossier_id": event.dossier_id,
        "kind": event.kind,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "citizen_visible": event.citizen_visible,
    }


def events_publish(events: list[DossierEvent]) -> None:
    """Publish audit events written in bulk (the deadline sweeps): one INSERT of rows."""
    messages_publish(
        topic=EVENT, items=[(event.pk, event, _event_context(event)) for event in events]
    )


def staff_alerts(alerts: list[tuple[DossierEvent, list[int]]]) -> None:
    """`staff_alert` for many events at once (the deadline sweeps)."""
    messages_publish(
        topic=STAFF_ALERT,
        items=[
            (
                event.pk,
                event,
                {"dossier_id": event.dossier_id, "recipients": sorted(set(recipients))},
            )
            for event, recipients in alerts
            if recipients
        ],
    )


def staff_alert(*, event: DossierEvent, recipients: list[int]) -> None:
    """Staff (officers, leaders) are to hear of an event; nothing when nobody is named."""
    if recipients:
        message_publish(
            topic=STAFF_ALERT,
            ref_id=event.pk,
            subject=event,
            context={"dossier_id": event.dossier_id, "recipients": sorted(set(recipients))},
        )


def counts_changed(dossier_id: int) -> None:
    """The dossier's place in the statistics (state, dates, office) changed."""
    message_publish(topic=COUNTS_CHANGED, ref_id=dossier_id, context={"dossier_id": dossier_id})


def counts_changed_many(dossier_ids: list[int]) -> None:
    """`counts_changed` for many dossiers at once (batch filing): one INSERT of rows."""
    messages_publish(
        topic=COUNTS_CHANGED,
        items=[(pk, None, {"dossier_id": pk}) for pk in dossier_ids],
    )


def reception_slip_issued(*, event_id: int, dossier_id: int) -> None:
    """The reception slip of a submission or counter reception is stored."""
    message_publish(
        topic=RECEPTION_SLIP_ISSUED, ref_id=event_id, context={"dossier_id": dossier_id}
    )


def takeover_code_publish(*, event: DossierEvent, consent_id: int, code: str) -> None:
    """The one-time code for the applicant (call in the transaction that wrote `event`)."""
    message_publish(
        topic=TAKEOVER_CODE,
        ref_id=event.pk,
        subject=event,
        context={"dossier_id": event.dossier_id, "consent_id": consent_id, "code": code},
    )

"""What the partners app lets higher apps publish for partner webhooks (ADR 0006).

Dossier events reach partners on `dossiers.events.EVENT`. Apps above this one (the
beneficiaries app's bundles) cannot be subscribed to from here without importing upwards,
so they publish on a topic this app owns, in the transaction of their change, with the
event already described in plain JSON:

- `BUNDLE_PART_COMPLETED` (ref: the bundle event): part_id, bundle_event_id, occurred_at,
  bundle {reference, kind, kind_label_en}, part {procedure, agency, status, title_vi,
  title_en, dossier_id}, dossier_ids (the VSS dossiers of the bundle, whose filer hears).
"""

from __future__ import annotations

from typing import Any

from outbox.services import message_publish

BUNDLE_PART_COMPLETED = "partners.bundle_part_completed"


def bundle_part_completed(*, bundle_event_id: int, context: dict[str, Any]) -> None:
    """Publish a completed bundle part (call inside the transaction that completed it)."""
    message_publish(
        topic=BUNDLE_PART_COMPLETED,
        ref_id=bundle_event_id,
        context={**context, "bundle_event_id": bundle_event_id},
    )

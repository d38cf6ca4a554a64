"""The registry's subscribers to dossier events (registered in apps.py)."""

from __future__ import annotations

from outbox.models import OutboxMessage


def person_learn(event, context) -> None:
    """Inline, in the submitting or receiving transaction: learn an unknown applicant
    whose identity was verified (counter, or a VNeID-verified account filing for itself)."""
    from .services import person_learn_from_dossier

    # Synchronous on purpose (ADR 0006): the person and the dossier commit together, so the
    # registry never misses an applicant whose dossier exists, and the next form pre-fills
    # from it at once. Never raises for bad data; safe to repeat (the unique CCCD decides).
    person_learn_from_dossier(dossier=event.dossier, actor=event.actor)


def person_learn_verified(user, context) -> None:
    """Inline, in the VNeID sign-in's transaction: learn a person from verified claims."""
    import datetime as dt

    from .services import person_learn_from_verified_identity

    # Only the identity provider's verified claims reach the registry this way (never what
    # was typed at registration); safe to repeat (the unique CCCD decides).
    person_learn_from_verified_identity(
        national_id=context["national_id"],
        full_name=context["full_name"],
        date_of_birth=dt.date.fromisoformat(context["date_of_birth"]),
        gender=context["gender"],
        actor=user,
    )


def registry_apply_result(message: OutboxMessage) -> None:
    """Bring the registry in line with an approved, processed dossier."""
    from dossiers.models import Dossier

    from .services import registry_apply_result as apply

    # idempotency: registry_apply_result records one "applied" event per dossier (unique
    # constraint) and returns False when it finds it; it also commits with the outbox row
    # (atomic), so a repeat changes nothing.
    dossier = (
        Dossier.objects.filter(pk=message.payload["dossier_id"]).select_related("procedure").first()
    )
    if dossier is not None:
        apply(dossier=dossier)


def bundle_part_follow(message: OutboxMessage) -> None:
    """A VSS part of a bundle follows its dossier to its end (returned, refused...)."""
    from .bundles.services import bundle_part_follow_dossier

    # idempotency: only a part still "filed" changes, under the bundle's row lock, and it
    # commits with the outbox row (atomic): a repeat finds it decided and does nothing.
    bundle_part_follow_dossier(dossier_id=message.payload["dossier_id"])

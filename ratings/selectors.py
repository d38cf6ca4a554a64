"""Reads of satisfaction ratings, built for the pages that show them."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from dossiers.constants import DossierState
from dossiers.models import Dossier

from .models import Rating


def rating_for(dossier: Dossier) -> Rating | None:
    return Rating.objects.filter(dossier=dossier).first()


def rated_dossier_ids(dossier_ids: Iterable[int]) -> set[int]:
    """Which of these dossiers have a rating (one query, for list pages)."""
    ids = list(dossier_ids)
    if not ids:
        return set()
    return set(Rating.objects.filter(dossier_id__in=ids).values_list("dossier_id", flat=True))


def ratable_dossier(*, user: User, reference) -> Dossier:
    """The user's own dossier to rate; raises Dossier.DoesNotExist for anyone else's."""
    if not user.is_authenticated or user.role != Role.CITIZEN:
        raise Dossier.DoesNotExist
    return (
        Dossier.objects.filter(applicant=user)
        .select_related("procedure", "competent_office")
        .get(reference=reference)
    )


def rating_panel(*, user: User, dossier: Dossier) -> dict | None:
    """What the dossier page shows about the rating, or None when it shows nothing.

    The applicant sees the form once the result is returned, then the rating and, for 7
    days, a way to change it; staff of the dossier see the rating once it is given.
    """
    if dossier.state != DossierState.RETURNED:
        return None
    rating = rating_for(dossier)
    is_applicant = user.role == Role.CITIZEN and dossier.applicant_id == user.pk
    if not is_applicant:
        return {"rating": rating, "can_rate": False, "can_edit": False} if rating else None
    return {
        "rating": rating,
        "can_rate": rating is None,
        "can_edit": rating is not None and timezone.now() <= rating.editable_until,
    }


def office_leader_ids(*, office_id: int) -> list[int]:
    """The active office leaders of an office (who hear about unhappy ratings)."""
    return list(
        User.objects.filter(role=Role.OFFICE_LEADER, office_id=office_id, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )

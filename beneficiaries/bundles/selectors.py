"""Reads of bundles for the tracker and the citizen's list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from accounts.constants import Role
from accounts.models import User

from ..constants import CardStatus
from ..models import HiCard
from .constants import OPEN_PART_STATUSES, Agency, BundleDocumentKind, PartStatus
from .definitions import PartSpec, part_spec
from .models import Bundle, BundleEvent, BundlePart

# Dossier states after which VSS has decided (the tracker no longer waits for it).
_DECIDED = frozenset({"processed", "returned", "refused", "withdrawn", "stopped"})


@dataclass
class PartView:
    part: BundlePart
    spec: PartSpec
    target_at: dt.datetime | None = None
    missing: list[tuple[str, str]] = field(default_factory=list)

    @property
    def dossier(self):
        return self.part.dossier

    @property
    def is_open(self) -> bool:
        if self.part.status in OPEN_PART_STATUSES:
            return True
        return self.part.status == PartStatus.FILED and self.part.dossier.state not in _DECIDED


@dataclass
class Tracker:
    bundle: Bundle
    parts: list[PartView]
    events: list[BundleEvent]
    card: HiCard | None

    @property
    def is_open(self) -> bool:
        return any(view.is_open for view in self.parts)

    @property
    def missing_documents(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for view in self.parts:
            if view.part.status == PartStatus.AWAITING_DOCUMENTS:
                seen.update(view.missing)
        return list(seen.items())

    @property
    def handoffs(self) -> list[PartView]:
        return [v for v in self.parts if v.part.agency != Agency.VSS]


def visible_bundles(user: User) -> QuerySet[Bundle]:
    """The bundles a user may follow: their own; supervisors and administrators all."""
    if not user.is_authenticated:
        return Bundle.objects.none()
    if user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        return Bundle.objects.all()
    if user.role in (Role.COUNTER_OFFICER, Role.PROCESSING_OFFICER, Role.OFFICE_LEADER):
        if user.office_id is None:
            return Bundle.objects.none()
        return Bundle.objects.filter(province_code=user.office.province_code)
    return Bundle.objects.filter(applicant=user)


def bundle_for_user(*, user: User, reference) -> Bundle:
    """Raises Bundle.DoesNotExist when the user may not see it (answered with 404)."""
    return (
        visible_bundles(user).select_related("applicant", "subject_person").get(reference=reference)
    )


def _target(dossier) -> dt.datetime | None:
    """When VSS aims to finish: the version's internal target, else the appointed time."""
    if dossier is None or dossier.submitted_at is None:
        return None
    version = dossier.version
    if version.internal_target:
        from workdays.services import add_time_limit

        return add_time_limit(
            dossier.received_at or dossier.submitted_at,
            version.internal_target,
            version.time_limit_unit,
        )
    return dossier.due_at


def bundle_tracker(*, bundle: Bundle) -> Tracker:
    """Everything the tracker page shows, in a fixed number of queries."""
    parts = list(
        BundlePart.objects.filter(bundle=bundle)
        .select_related("dossier__procedure", "dossier__version")
        .order_by("position")
    )
    labels = dict(BundleDocumentKind.choices)
    views = [
        PartView(
            part=part,
            spec=part_spec(part.procedure),
            target_at=_target(part.dossier),
            missing=[(code, str(labels.get(code, code))) for code in part.missing_documents],
        )
        for part in parts
    ]
    card = None
    if bundle.subject_person_id:
        card = (
            HiCard.objects.filter(person_id=bundle.subject_person_id, status=CardStatus.ACTIVE)
            .order_by()
            .first()
        )
    events = list(
        BundleEvent.objects.filter(bundle=bundle)
        .select_related("part")
        .order_by("created_at", "id")
    )
    return Tracker(bundle=bundle, parts=views, events=events, card=card)


def citizen_bundles(*, user: User) -> QuerySet[Bundle]:
    return (
        Bundle.objects.filter(applicant=user)
        .prefetch_related(Prefetch("parts", queryset=BundlePart.objects.order_by("position")))
        .order_by("-filed_at")
    )

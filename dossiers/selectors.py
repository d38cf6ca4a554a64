"""Reads of dossiers, built for the pages and APIs that use them."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from accounts.constants import Role
from accounts.models import User
from procedures.models import DocumentComponent, ProcedureVersion
from procedures.selectors import VersionDifferences, version_differences

from .constants import DossierState, EventKind
from .models import Dossier, DossierDocument


def visible_dossiers(user: User) -> QuerySet[Dossier]:
    """The dossiers a user may open. Anything else is answered with 404, not 403."""
    qs = Dossier.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.CITIZEN:
        return qs.filter(applicant=user)
    if user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        return qs
    if user.office_id is None:
        return qs.none()
    return qs.filter(Q(receiving_office_id=user.office_id) | Q(competent_office_id=user.office_id))


def dossier_for_user(*, user: User, reference) -> Dossier:
    """One dossier with what its pages show; raises Dossier.DoesNotExist when not visible."""
    return (
        visible_dossiers(user)
        .select_related(
            "procedure",
            "version",
            "receiving_office",
            "competent_office",
            "received_by",
            "applicant",
        )
        .prefetch_related(
            Prefetch(
                "version__components",
                queryset=DocumentComponent.objects.order_by("position", "id"),
            ),
            Prefetch("documents", queryset=DossierDocument.objects.order_by("created_at")),
            "paper_receipts",
            "slips",
        )
        .get(reference=reference)
    )


def draft_expiry_status(dossier: Dossier) -> str:
    """ "expired", "expiring" (within the warning period) or "" for a draft."""
    import datetime as dt

    from django.utils import timezone

    if dossier.state != DossierState.DRAFT or dossier.draft_expires_at is None:
        return ""
    now = timezone.now()
    if dossier.draft_expires_at <= now:
        return "expired"
    if dossier.draft_expires_at - now <= dt.timedelta(days=settings.DRAFT_EXPIRY_WARNING_DAYS):
        return "expiring"
    return ""


def citizen_dossiers(*, user: User) -> QuerySet[Dossier]:
    return (
        Dossier.objects.filter(applicant=user)
        .select_related("procedure", "competent_office")
        .order_by("-created_at")
    )


def citizen_online_drafts(*, national_id: str) -> QuerySet[Dossier]:
    """A citizen's online drafts, for a counter officer to take over at the counter."""
    return (
        Dossier.objects.filter(
            state=DossierState.DRAFT, channel="online", applicant__national_id=national_id
        )
        .select_related("procedure")
        .order_by("-updated_at")
    )


def tracking_url(dossier: Dossier) -> str:
    from .tracking import tracking_token

    path = reverse("tracking:track_code", args=[dossier.code])
    return f"{settings.SITE_URL.rstrip('/')}{path}?t={tracking_token(dossier.code)}"


def documents_by_component(dossier: Dossier) -> list[dict]:
    """Each component of the dossier's version with the files given for it."""
    documents = list(dossier.documents.all())
    receipts = {r.component_id: r for r in dossier.paper_receipts.all()}
    rows = []
    for component in dossier.version.components.all():
        rows.append(
            {
                "component": component,
                "documents": [d for d in documents if d.component_id == component.pk],
                "receipt": receipts.get(component.pk),
            }
        )
    return rows


def applicant_accommodations(dossier: Dossier) -> list[str]:
    """The applicant's accommodation needs known to the registry, named for officers."""
    from beneficiaries.selectors import letter_preferences  # dossiers -> beneficiaries: lazy

    from .documents.rendering import applicant_national_id

    national_id = applicant_national_id(dossier)
    if not national_id:
        return []
    return list(letter_preferences(national_id=national_id)["needs"])


def draft_version_change(dossier: Dossier) -> VersionDifferences | None:
    """What changed since a draft was opened, when a newer version came into force since.

    Compares the version the draft was opened under (its first `version_changed` event)
    with the one it is under now; None when nothing changed or the dossier is filed.
    """
    if dossier.state != DossierState.DRAFT:
        return None
    first = (
        dossier.events.filter(kind=EventKind.VERSION_CHANGED).order_by("created_at", "id").first()
    )
    if first is None:
        return None
    old = ProcedureVersion.objects.filter(pk=first.payload.get("from_version")).first()
    if old is None or old.pk == dossier.version_id:
        return None
    return version_differences(old=old, new=dossier.version) or None

"""Reads of dossiers, built for the pages and APIs that use them."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.constants import STAFF_ROLES, Role
from accounts.models import User
from procedures.models import DocumentComponent, ProcedureVersion
from procedures.selectors import VersionDifferences, version_differences

from . import providers
from .constants import OPEN_STATES, Channel, DossierState, EventKind, SlipKind
from .models import RECEIVED_ELSEWHERE, Dossier, DossierDocument, Slip


def visible_dossiers(user: User) -> QuerySet[Dossier]:
    """The dossiers a user may open. Anything else is answered with 404, not 403."""
    qs = Dossier.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.CITIZEN:
        # Their own, and those filed for them by someone else (issue #18).
        return qs.filter(Q(applicant=user) | Q(principal=user))
    if user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        return qs
    if user.office_id is None:
        return qs.none()
    return qs.filter(office_scope(user.office_id))


def office_scope(office_id: int) -> Q:
    """The dossiers of an office: competent for them, or its desk took them in.

    Written as `competent = X OR (receiving = X AND received elsewhere)`, the same rows as
    `competent = X OR receiving = X`, so each arm matches an index (the second one the
    partial indexes on RECEIVED_ELSEWHERE) and PostgreSQL can OR two small bitmaps.
    """
    competent, received_elsewhere = _office_halves(office_id)
    return competent | received_elsewhere


def _office_halves(office_id: int) -> tuple[Q, Q]:
    return (
        Q(competent_office_id=office_id),
        Q(receiving_office_id=office_id) & RECEIVED_ELSEWHERE,
    )


def office_scope_branches(user: User) -> list[Q]:
    """An officer's scope `receiving = X OR competent = X` as two disjoint conditions, each
    served in date order by its own index; [] when the scope is a single condition.

    PostgreSQL cannot walk one index for that OR: it reads every dossier of the office and
    sorts them. Each branch can stop after a page (`first_of_each_branch`).
    """
    if not user.is_authenticated or user.role in (
        Role.CITIZEN,
        Role.SUPERVISOR,
        Role.ADMINISTRATOR,
    ):
        return []
    if user.office_id is None:
        return []
    return list(_office_halves(user.office_id))


def first_of_each_branch(
    queryset: QuerySet[Dossier], branches: list[Q], *, ordering, limit: int
) -> QuerySet[Dossier]:
    """`queryset` narrowed to the first `limit` rows of each branch in `ordering`.

    Ordered by `ordering` and cut at `limit`, it gives exactly the rows of `queryset` cut at
    `limit` (the branches are disjoint and cover it), but each branch reads at most `limit`
    index entries instead of the whole office. The result holds only rows of the branches,
    so `queryset` need not be limited to them beforehand (and is better not: a redundant
    OR misleads the planner's estimates). One query where the database allows a LIMIT
    inside a UNION (PostgreSQL); otherwise the ids of each branch are read first.
    """
    parts = [
        queryset.filter(branch).order_by(*ordering).values("pk")[:limit] for branch in branches
    ]
    if connection.features.supports_slicing_ordering_in_compound:
        return queryset.filter(pk__in=parts[0].union(*parts[1:], all=True))
    ids = [row["pk"] for part in parts for row in part]
    return queryset.filter(pk__in=ids)


def dossier_for_user(*, user: User, reference) -> Dossier:
    """One dossier with what its pages show; raises Dossier.DoesNotExist when not visible.

    A citizen's online draft is theirs alone: staff see that it exists (the counter's list)
    but open it only after a take-over with the citizen's consent (services.consent).
    """
    dossier = (
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
    if not staff_may_open(user, dossier):
        raise Dossier.DoesNotExist
    return dossier


def staff_may_open(user: User, dossier: Dossier) -> bool:
    """False for staff and an applicant's draft not (yet) at a counter."""
    return not (
        user.role in STAFF_ROLES
        and dossier.state == DossierState.DRAFT
        and dossier.channel != Channel.COUNTER
    )


def slip_visible_to(slip: Slip, *, dossier: Dossier, user: User) -> bool:
    """Whether `user`, who may see `dossier`, may read this slip. Applicants (citizens and
    the partner systems filing for them) get the signed result once it has been returned;
    staff get it as soon as it is signed. Pages and API both ask here."""
    return not (
        user.role == Role.CITIZEN
        and slip.kind == SlipKind.RESULT
        and dossier.state != DossierState.RETURNED
    )


def dossier_slips(*, dossier: Dossier, user: User) -> list[Slip]:
    """The dossier's stored slips (reception slip, letters, result) `user` may read, oldest
    first; uses the prefetched `slips` when there are any."""
    return [s for s in dossier.slips.all() if slip_visible_to(s, dossier=dossier, user=user)]


def dossier_slip(*, dossier: Dossier, user: User, slip_id: int) -> Slip:
    """One slip of the dossier that `user` may read; raises Slip.DoesNotExist otherwise."""
    slip = Slip.objects.get(pk=slip_id, dossier=dossier)
    if not slip_visible_to(slip, dossier=dossier, user=user):
        raise Slip.DoesNotExist
    return slip


def dossier_document(*, dossier: Dossier, document_id: int) -> DossierDocument:
    """One uploaded document of a dossier the caller may see (DossierDocument.DoesNotExist
    otherwise)."""
    return DossierDocument.objects.select_related("component").get(pk=document_id, dossier=dossier)


def has_reception_slip(dossier: Dossier) -> bool:
    """Whether the dossier gets a reception slip: received (it has a code), and not refused
    at the counter (never received there)."""
    return dossier.code is not None and not (
        dossier.state == DossierState.REFUSED and dossier.channel == Channel.COUNTER
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
    """A citizen's dossiers: filed by them, or for them by a representative."""
    return (
        Dossier.objects.filter(Q(applicant=user) | Q(principal=user))
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


def timeline_coalesced(events) -> list:
    """A dossier's events for its history, consecutive draft saves by the same person shown
    as one line: the last save, with `saves` the number of saves it stands for.

    The event table keeps every save (it is append-only); only the display groups them.
    """
    lines: list = []
    for event in events:
        event.saves = 1
        previous = lines[-1] if lines else None
        if (
            previous is not None
            and event.kind == EventKind.SAVED
            and previous.kind == EventKind.SAVED
            and previous.actor_id == event.actor_id
        ):
            event.saves = previous.saves + 1
            lines[-1] = event
        else:
            lines.append(event)
    return lines


def tracking_url(dossier: Dossier) -> str:
    from .tracking import tracking_token

    path = reverse("tracking:track_code", args=[dossier.code])
    return f"{settings.SITE_URL.rstrip('/')}{path}?t={tracking_token(dossier.code)}"


def documents_by_component(dossier: Dossier) -> list[dict]:
    """Each component of the dossier's version with the files given for it, and whether
    VSS really holds it for this applicant (`held`)."""
    from .prefill import dossier_national_id, held_document_sources

    documents = list(dossier.documents.all())
    receipts = {r.component_id: r for r in dossier.paper_receipts.all()}
    components = list(dossier.version.components.all())
    held = (
        held_document_sources(dossier_national_id(dossier))
        if any(c.prefill_source for c in components)
        else set()
    )
    rows = []
    for component in components:
        rows.append(
            {
                "component": component,
                "documents": [d for d in documents if d.component_id == component.pk],
                "receipt": receipts.get(component.pk),
                "held": bool(component.prefill_source) and component.prefill_source in held,
            }
        )
    return rows


def applicant_accommodations(dossier: Dossier) -> list[str]:
    """The applicant's accommodation needs known to the registry, named for officers."""
    from .documents.rendering import applicant_national_id

    national_id = applicant_national_id(dossier)
    if not national_id:
        return []
    return list(providers.letter_preferences(national_id=national_id)["needs"])


# --- the tracking book (sổ theo dõi hồ sơ, form 06 of Circular 01/2018) ----------------

BOOK_PAGE_SIZE = 100
# A page shows at most a year; the exports at most a month (and BOOK_EXPORT_MAX_ROWS rows).
BOOK_MAX_DAYS = 366
BOOK_EXPORT_MAX_DAYS = 31
BOOK_EXPORT_MAX_ROWS = 20_000
BOOK_PDF_MAX_ROWS = 1_000  # rendered synchronously: a bounded path, like the counter's slip
BOOK_CLOSED_NOTES = (DossierState.REFUSED, DossierState.WITHDRAWN, DossierState.STOPPED)


def tracking_book_offices(user: User):
    """The offices whose tracking book a user may open (most staff: their own office).

    A supervisor attached to an office sees the offices of its province; supervisors
    without an office and administrators see every office.
    """
    from offices.models import Office

    offices = Office.objects.filter(is_active=True).order_by("province_code", "kind", "name")
    if not user.is_authenticated or user.role == Role.CITIZEN:
        return offices.none()
    if user.role == Role.ADMINISTRATOR or (user.role == Role.SUPERVISOR and not user.office_id):
        return offices
    if user.role == Role.SUPERVISOR:
        return offices.filter(province_code=user.office.province_code)
    if user.office_id is None:
        return offices.none()
    return Office.objects.filter(pk=user.office_id)


def _local_bounds(start, end):
    import datetime as dt

    from django.utils import timezone

    tz = timezone.get_default_timezone()
    low = timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz)
    high = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min), tz)
    return low, high


def tracking_book_dossiers(*, office, start, end) -> QuerySet[Dossier]:
    """Every dossier the office's desk took in (online or at the counter) on local days
    start..end inclusive, in the order they came: reception time, then id.

    Served by `dossier_book_idx` (receiving office, submitted_at, id) whatever the table's size.
    """
    from .models import DossierHandover

    low, high = _local_bounds(start, end)
    return (
        Dossier.objects.filter(
            receiving_office=office,
            submitted_at__gte=low,
            submitted_at__lt=high,
            code__isnull=False,
        )
        .select_related("procedure", "competent_office")
        .prefetch_related(
            Prefetch("handovers", queryset=DossierHandover.objects.order_by("given_at", "id"))
        )
        .order_by("submitted_at", "id")
    )


def _cursor_encode(dossier: Dossier, number: int) -> str:
    return f"{dossier.submitted_at.isoformat()}~{dossier.pk}~{number}"


def _cursor_decode(cursor: str):
    import datetime as dt

    try:
        moment, pk, number = cursor.split("~")
        at = dt.datetime.fromisoformat(moment)
        if at.tzinfo is None:
            return None
        return at, int(pk), int(number)
    except ValueError:
        return None


def tracking_book_page(*, office, start, end, after: str = "", size: int = BOOK_PAGE_SIZE):
    """One page of the book after the keyset cursor `after` (a bad cursor: the first page).

    Returns (rows, next cursor or ""); each row is (running number, dossier).
    """
    qs = tracking_book_dossiers(office=office, start=start, end=end)
    number = 0
    decoded = _cursor_decode(after) if after else None
    if decoded is not None:
        at, pk, number = decoded
        qs = qs.filter(Q(submitted_at__gt=at) | Q(submitted_at=at, pk__gt=pk))
    dossiers = list(qs[: size + 1])
    rows = [(number + index, d) for index, d in enumerate(dossiers[:size], start=1)]
    following = ""
    if len(dossiers) > size:
        last_number, last = rows[-1]
        following = _cursor_encode(last, last_number)
    return rows, following


def book_processing_units(dossier: Dossier) -> list[str]:
    """Where the dossier went: the competent office, then each unit it was handed to."""
    units = []
    if dossier.competent_office_id and dossier.competent_office_id != dossier.receiving_office_id:
        units.append(dossier.competent_office.name)
    for handover in dossier.handovers.all():
        if handover.unit not in units:
            units.append(handover.unit)
    return units


def dossier_holder(dossier: Dossier) -> str:
    """Who holds the dossier now, in words an officer reads on its page ("" once closed)."""
    state = dossier.state
    if state == DossierState.SUBMITTED:
        return str(_("The one-stop desk: to be received"))
    if state == DossierState.SUPPLEMENT_REQUESTED:
        return str(_("The applicant: the supplement is awaited"))
    if state == DossierState.AWAITING_SIGNATURE:
        return str(_("The office's leaders: awaiting signature"))
    if state == DossierState.PROCESSED:
        return str(_("The one-stop desk: the result is to be returned"))
    if dossier.assigned_to_id is not None and state in OPEN_STATES:
        return dossier.assigned_to.display_name
    if state == DossierState.RECEIVED:
        return str(_("The one-stop desk: no officer has taken it yet"))
    return ""


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


# The signature check of a stored slip never changes for the same bytes and trust root:
# remembered by content hash, so listing a dossier's letters does not re-validate PDFs.
SIGNATURE_CHECK_CACHE_SECONDS = 60 * 60


def slip_signature_status(slip: Slip) -> dict | None:
    """For a digitally signed slip (the result): whether its signature is intact, valid and
    trusted (chains to the configured signing certificate), who signed and when, as
    `verify_pdf_signature` says; None for an unsigned slip. Cached by content hash."""
    from django.core.cache import cache

    from .documents.signing import signing_identity_paths, verify_pdf_signature

    if not slip.signed:
        return None
    trust_cert = signing_identity_paths()[1]
    key = f"slip-signature:{slip.sha256}:{trust_cert}"
    status = cache.get(key)
    if status is None:
        with slip.file.storage.open(slip.file.name, "rb") as handle:
            status = verify_pdf_signature(handle.read(), trust_cert_path=trust_cert)
        cache.set(key, status, SIGNATURE_CHECK_CACHE_SECONDS)
    return status

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from .constants import (
    CODE_MAX_LENGTH,
    EVENT_ACTION_LABELS,
    PORTAL_CODES,
    Channel,
    ConsentMethod,
    DigitisationStatus,
    DocumentSource,
    DossierState,
    EventKind,
    Outcome,
    Representation,
    ReturnMethod,
    SlipKind,
    Timeliness,
)

# State lists of the partial indexes (sorted, as the worklist's IN lists are).
WORKLIST_OPEN_STATES = sorted(
    [
        "appraisal",
        "awaiting_signature",
        "in_processing",
        "payment_requested",
        "processed",
        "received",
        "submitted",
        "supplement_requested",
    ]
)
CLOSED_STATES = ["refused", "returned", "stopped", "withdrawn"]
# Dossiers taken in by one office's desk for another competent office (or none yet): the
# second, disjoint half of an officer's scope `receiving = X OR competent = X`
# (`dossiers.selectors.office_scope_branches`), and the condition of its partial indexes.
RECEIVED_ELSEWHERE = Q(competent_office__isnull=True) | ~Q(competent_office=F("receiving_office"))


# How much older than its dossier an event may look (Dossier.trail).
TRAIL_MARGIN = dt.timedelta(days=1)


class Dossier(ConcurrentTransitionMixin, models.Model):
    """An administrative dossier (hồ sơ), from draft to returned result.

    Transitions only change fields; services in `dossiers.services` lock the row, run
    them, save, write the audit event and schedule side effects.
    """

    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        _("dossier code"), max_length=CODE_MAX_LENGTH, unique=True, null=True, blank=True
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    version = models.ForeignKey(
        "procedures.ProcedureVersion",
        verbose_name=_("procedure version"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    state = FSMField(
        _("state"),
        max_length=32,
        choices=DossierState.choices,
        default=DossierState.DRAFT,
        protected=True,
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    # Applicant snapshot at filing (the person may have no account: walk-in at the counter).
    applicant_name = models.CharField(_("applicant name"), max_length=150, blank=True)
    applicant_national_id = models.CharField(_("applicant ID number"), max_length=12, blank=True)
    applicant_phone = models.CharField(_("applicant phone"), max_length=16, blank=True)
    applicant_email = models.EmailField(_("applicant e-mail"), blank=True)
    applicant_address = models.CharField(_("applicant address"), max_length=300, blank=True)
    applicant_province_code = models.PositiveSmallIntegerField(
        _("applicant province"), null=True, blank=True
    )
    # Filing for another person (ủy quyền, issue #18): the applicant_* fields above name the
    # person the dossier is for (the principal); `applicant` is the account that files and
    # edits it, and the representative_* fields name who files. `principal` is the
    # principal's own account when they have one: they see the dossier and are told of it.
    representation = models.CharField(
        _("filed for another person as"),
        max_length=16,
        choices=Representation.choices,
        blank=True,
    )
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("principal's account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_dossiers",
        db_index=False,  # a partial index, built concurrently (0021)
    )
    representative_name = models.CharField(_("representative"), max_length=150, blank=True)
    representative_national_id = models.CharField(
        _("representative's ID number"), max_length=12, blank=True
    )
    authorisation_scope = models.CharField(
        _("what the authorisation covers"), max_length=300, blank=True
    )
    data = models.JSONField(_("form data"), default=dict, blank=True)
    return_method = models.CharField(
        _("result returned"), max_length=16, choices=ReturnMethod.choices, blank=True
    )

    receiving_office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("receiving office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    competent_office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("competent office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    draft_step = models.PositiveSmallIntegerField(_("draft step"), default=1)
    draft_expires_at = models.DateTimeField(_("draft expires at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("appointed return time"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("first appointed time"), null=True, blank=True)
    # The appointed time by law: set at reception and moved only while the clock stops for a
    # supplement. An apology's new date moves `due_at` (the working date) but never this one,
    # so timeliness and the on-time figures are judged against it (docs/workflow.md).
    statutory_due_at = models.DateTimeField(_("statutory appointed time"), null=True, blank=True)
    clock_paused_at = models.DateTimeField(_("clock stopped at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    fully_digitised_at = models.DateTimeField(_("fully digitised at"), null=True, blank=True)

    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    state_before_supplement = models.CharField(max_length=32, blank=True)
    supplement_items = models.JSONField(_("items to supplement"), default=list, blank=True)
    supplement_reason = models.TextField(_("supplement reason"), blank=True)
    apology_issued_at = models.DateTimeField(_("apology issued at"), null=True, blank=True)
    # Deadline tracking (the SLA sweeps set these once, so a second sweep sends nothing).
    due_soon_warned_at = models.DateTimeField(_("due-soon warning sent"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged late"), null=True, blank=True)
    apology_draft_due_at = models.DateTimeField(
        _("proposed new date (apology draft)"), null=True, blank=True
    )
    apology_draft_reason = models.TextField(_("apology draft reason"), blank=True)
    # The officer who prepared the apology letter the office leader has yet to sign.
    apology_prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("apology prepared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # never filtered on; no index build on the large dossiers table
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    decision_text = models.TextField(_("decision"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # The result's number in the deciding office's register of the year ("123/QĐ-BHXH"),
    # given when the result is signed (dossiers.numbers).
    decision_number = models.CharField(_("decision number"), max_length=32, blank=True)
    decision_office = models.ForeignKey(
        "offices.Office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # dossier_decision_number_unique leads with it
    )
    decision_year = models.PositiveSmallIntegerField(null=True, blank=True)
    stop_reason = models.TextField(_("reason"), blank=True)
    result_delivery = models.CharField(
        _("result delivered"), max_length=16, choices=ReturnMethod.choices, blank=True
    )
    post_tracking_number = models.CharField(_("postal tracking number"), max_length=40, blank=True)
    timeliness = models.CharField(
        _("timeliness"), max_length=16, choices=Timeliness.choices, blank=True
    )
    paper_sets = models.PositiveSmallIntegerField(_("number of sets"), default=1)
    # Client-supplied key of the submission request: a retried submit finds the same dossier.
    submission_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Optimistic concurrency for edits (ETag / If-Match) and stale-form detection.
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        indexes = [
            # "My dossiers" of a principal (filing for another person, issue #18); 0021.
            models.Index(
                fields=["principal", "-created_at"],
                condition=Q(principal__isnull=False),
                name="dossier_principal_idx",
            ),
            models.Index(
                fields=["competent_office", "state", "due_at"], name="dossier_worklist_idx"
            ),
            models.Index(fields=["assigned_to", "state", "due_at"], name="dossier_assigned_idx"),
            models.Index(fields=["applicant", "-created_at"], name="dossier_applicant_idx"),
            models.Index(fields=["state", "due_at"], name="dossier_state_due_idx"),
            models.Index(
                fields=["due_at"],
                condition=Q(due_soon_warned_at__isnull=True)
                & Q(
                    state__in=[
                        "submitted",
                        "received",
                        "in_processing",
                        "appraisal",
                        "awaiting_signature",
                        "payment_requested",
                    ]
                ),
                name="dossier_due_soon_sweep_idx",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(overdue_flagged_at__isnull=True)
                & Q(
                    state__in=[
                        "submitted",
                        "received",
                        "in_processing",
                        "appraisal",
                        "awaiting_signature",
                        "payment_requested",
                        "processed",
                    ]
                ),
                name="dossier_overdue_sweep_idx",
            ),
            models.Index(
                fields=["competent_office", "due_at", "id", "state", "assigned_to"],
                condition=Q(state__in=WORKLIST_OPEN_STATES),
                name="dossier_open_office_due_idx",
            ),
            models.Index(
                fields=["competent_office", "due_at", "id"],
                condition=Q(state__in=CLOSED_STATES),
                name="dossier_closed_office_due_idx",
            ),
            models.Index(
                fields=["due_at", "id"],
                condition=Q(state__in=WORKLIST_OPEN_STATES),
                name="dossier_open_due_idx",
            ),
            models.Index(
                fields=["competent_office", "procedure", "returned_at"],
                condition=Q(state="returned"),
                name="dossier_returned_history_idx",
            ),
            models.Index(
                fields=["competent_office", "received_at"], name="dossier_office_received_idx"
            ),
            models.Index(
                fields=["competent_office", "decided_at"], name="dossier_office_decided_idx"
            ),
            models.Index(
                fields=["competent_office", "returned_at"], name="dossier_office_returned_idx"
            ),
            models.Index(
                fields=["draft_expires_at"],
                condition=Q(state="draft"),
                name="dossier_draft_expiry_idx",
            ),
            models.Index(fields=["applicant_national_id"], name="dossier_national_id_idx"),
            # The tracking book: an office's dossiers in the order its desk took them in.
            models.Index(
                fields=["receiving_office", "submitted_at", "id"], name="dossier_book_idx"
            ),
            # Newest first, for the dossier API's list (migration 0016): an office's dossiers,
            # those its desk took in for another office, and everyone's (supervisors).
            models.Index(
                fields=["competent_office", "created_at", "id"],
                name="dossier_office_created_idx",
            ),
            models.Index(
                fields=["receiving_office", "created_at", "id"],
                condition=RECEIVED_ELSEWHERE,
                name="dossier_desk_created_idx",
            ),
            models.Index(fields=["created_at", "id"], name="dossier_created_idx"),
            # The worklist of a counter officer: open dossiers its desk took in for another
            # office, in due order (the competent half is `dossier_open_office_due_idx`).
            models.Index(
                fields=["receiving_office", "due_at", "id"],
                condition=Q(state__in=WORKLIST_OPEN_STATES) & RECEIVED_ELSEWHERE,
                name="dossier_open_desk_due_idx",
            ),
            # Open dossiers whose apology moved `due_at`: "overdue now" by the statutory date.
            models.Index(
                fields=["statutory_due_at"],
                condition=Q(apology_issued_at__isnull=False)
                & Q(
                    state__in=[
                        "appraisal",
                        "awaiting_signature",
                        "in_processing",
                        "payment_requested",
                        "processed",
                        "received",
                        "submitted",
                    ]
                ),
                name="dossier_apologised_overdue_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=DossierState.values), name="dossier_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state=DossierState.DRAFT) | Q(code__isnull=False),
                name="dossier_code_after_draft",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="dossier_channel_valid"
            ),
            models.UniqueConstraint(
                fields=["decision_office", "decision_year", "decision_number"],
                condition=~Q(decision_number=""),
                name="dossier_decision_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"draft {self.reference}"

    @property
    def statutory_appointment(self):
        """The appointed time by law (`statutory_due_at`: moved by supplements, never by an
        apology). Rows from before that column fall back to the first appointment when an
        apology moved `due_at`, else to `due_at`."""
        if self.statutory_due_at is not None:
            return self.statutory_due_at
        if self.apology_issued_at is not None and self.original_due_at is not None:
            return self.original_due_at
        return self.due_at

    @property
    def portal_code(self) -> int | None:
        return PORTAL_CODES.get(self.state)

    def trail(self):
        """This dossier's events, bounded below by its creation so that PostgreSQL reads only
        the month partitions from then on (migration 0020), not every month of history. An
        event is never older than its dossier; the day's margin covers clocks that differ."""
        return self.events.filter(created_at__gte=self.created_at - TRAIL_MARGIN)

    @property
    def is_draft(self) -> bool:
        return self.state == DossierState.DRAFT

    # --- intake transitions (workflow transitions live beside them as the workflow grows)

    @transition(field=state, source=DossierState.DRAFT, target=DossierState.SUBMITTED)
    def submit_online(self, *, at, due_at, code) -> None:
        self.code = code
        self.submitted_at = at
        self.due_at = due_at
        self.original_due_at = due_at
        self.statutory_due_at = due_at
        self.draft_expires_at = None

    @transition(field=state, source=DossierState.DRAFT, target=DossierState.RECEIVED)
    def receive_at_counter(self, *, at, due_at, code, officer) -> None:
        self.code = code
        self.submitted_at = at
        self.received_at = at
        self.received_by = officer
        self.due_at = due_at
        self.original_due_at = due_at
        self.statutory_due_at = due_at
        self.draft_expires_at = None

    # --- reception

    @transition(field=state, source=DossierState.SUBMITTED, target=DossierState.RECEIVED)
    def accept(self, *, at, officer) -> None:
        self.received_at = at
        self.received_by = officer

    @transition(field=state, source=DossierState.SUBMITTED, target=DossierState.REFUSED)
    def refuse(self, *, reason) -> None:
        self.stop_reason = reason

    @transition(field=state, source=DossierState.DRAFT, target=DossierState.REFUSED)
    def refuse_at_counter(self, *, at, code, reason) -> None:
        """A walk-in dossier that cannot be received: it gets a code (for the refusal slip
        and the tracking book) and the reason, but no reception time or appointment."""
        self.code = code
        self.submitted_at = at
        self.stop_reason = reason
        self.draft_expires_at = None

    # --- processing

    @transition(field=state, source=DossierState.RECEIVED, target=DossierState.IN_PROCESSING)
    def start_processing(self) -> None:
        pass

    @transition(
        field=state,
        source=[
            DossierState.SUBMITTED,
            DossierState.RECEIVED,
            DossierState.IN_PROCESSING,
            DossierState.APPRAISAL,
        ],
        target=DossierState.SUPPLEMENT_REQUESTED,
    )
    def request_supplement(self, *, at, reason, items) -> None:
        self.state_before_supplement = self.state
        self.supplement_reason = reason
        self.supplement_items = list(items)
        self.clock_paused_at = at

    @transition(
        field=state,
        source=DossierState.SUPPLEMENT_REQUESTED,
        target=RETURN_VALUE(
            DossierState.SUBMITTED,
            DossierState.RECEIVED,
            DossierState.IN_PROCESSING,
            DossierState.APPRAISAL,
        ),
    )
    def supply(self, *, due_at, statutory_due_at) -> str:
        previous = self.state_before_supplement or DossierState.RECEIVED
        self.due_at = due_at
        self.statutory_due_at = statutory_due_at
        self.clock_paused_at = None
        self.state_before_supplement = ""
        return previous

    def _appraisal_required(self) -> bool:
        return self.version.step_appraisal

    def _no_appraisal_required(self) -> bool:
        return not self.version.step_appraisal

    def _payment_step(self) -> bool:
        return self.version.step_payment_request

    def _ready_for_decision(self) -> bool:
        return not self.version.step_appraisal or self.state == DossierState.APPRAISAL

    @transition(
        field=state,
        source=DossierState.IN_PROCESSING,
        target=DossierState.APPRAISAL,
        conditions=[_appraisal_required],
    )
    def send_to_appraisal(self) -> None:
        pass

    @transition(
        field=state,
        source=DossierState.IN_PROCESSING,
        target=DossierState.PAYMENT_REQUESTED,
        conditions=[_payment_step],
    )
    def request_payment(self) -> None:
        pass

    @transition(
        field=state, source=DossierState.PAYMENT_REQUESTED, target=DossierState.IN_PROCESSING
    )
    def confirm_payment(self) -> None:
        pass

    @transition(
        field=state,
        source=[DossierState.IN_PROCESSING, DossierState.APPRAISAL],
        target=RETURN_VALUE(DossierState.AWAITING_SIGNATURE, DossierState.PROCESSED),
        conditions=[_ready_for_decision],
    )
    def propose_decision(self, *, outcome, decision_text, at) -> str:
        self.outcome = outcome
        self.decision_text = decision_text
        if self.version.step_leader_signature:
            return DossierState.AWAITING_SIGNATURE
        self.decided_at = at
        return DossierState.PROCESSED

    @transition(field=state, source=DossierState.AWAITING_SIGNATURE, target=DossierState.PROCESSED)
    def sign(self, *, leader, at) -> None:
        self.signed_by = leader
        self.signed_at = at
        self.decided_at = at

    @transition(
        field=state, source=DossierState.AWAITING_SIGNATURE, target=DossierState.IN_PROCESSING
    )
    def send_back(self) -> None:
        self.outcome = ""

    @transition(field=state, source=DossierState.PROCESSED, target=DossierState.RETURNED)
    def return_result(self, *, at, delivery, tracking_number, timeliness) -> None:
        self.returned_at = at
        self.result_delivery = delivery
        self.post_tracking_number = tracking_number
        self.timeliness = timeliness

    @transition(
        field=state,
        source=[
            DossierState.SUBMITTED,
            DossierState.RECEIVED,
            DossierState.IN_PROCESSING,
            DossierState.APPRAISAL,
            DossierState.SUPPLEMENT_REQUESTED,
            DossierState.PAYMENT_REQUESTED,
        ],
        target=DossierState.WITHDRAWN,
    )
    def withdraw(self, *, reason) -> None:
        self.stop_reason = reason

    @transition(
        field=state,
        source=[
            DossierState.RECEIVED,
            DossierState.IN_PROCESSING,
            DossierState.APPRAISAL,
            DossierState.SUPPLEMENT_REQUESTED,
            DossierState.PAYMENT_REQUESTED,
            DossierState.AWAITING_SIGNATURE,
        ],
        target=DossierState.STOPPED,
    )
    def stop(self, *, reason) -> None:
        self.stop_reason = reason


class DossierHandover(models.Model):
    """One row of the control sheet: a hand-over between units and whether it was on time."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="handovers")
    unit = models.CharField(_("unit"), max_length=200)
    step = models.CharField(_("step"), max_length=32)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("given at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Timeliness.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["given_at", "id"]
        indexes = [models.Index(fields=["dossier", "given_at"], name="handover_dossier_idx")]

    def __str__(self) -> str:
        return f"{self.step} {self.given_at:%d/%m/%Y %H:%M}"


class DailySequence(models.Model):
    """The last dossier number an office gave on a day (gap-free, row-locked per office-day)."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "day"], name="daily_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.day} #{self.last_number}"


class DecisionSequence(models.Model):
    """The last result number an office gave in a year, per series (QĐ decisions, TB notices).

    Row-locked by the signing transaction (`dossiers.numbers.decision_number_next`).
    """

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=8)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year", "series"], name="decision_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.year} {self.series} #{self.last_number}"


class DossierDocument(models.Model):
    """A file in a dossier: an upload, a counter scan or a generated slip."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    component = models.ForeignKey(
        "procedures.DocumentComponent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=16, choices=DocumentSource.choices)
    file = models.FileField(_("file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    digitisation_status = models.CharField(
        _("digitisation"),
        max_length=16,
        choices=DigitisationStatus.choices,
        default=DigitisationStatus.PENDING,
    )
    digitisation_error = models.CharField(_("digitisation error"), max_length=300, blank=True)
    ocr_text = models.TextField(_("recognised text"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["component__position", "created_at"]
        indexes = [models.Index(fields=["dossier", "component"], name="document_component_idx")]

    def __str__(self) -> str:
        return self.original_name


class PaperReceipt(models.Model):
    """What the counter officer ticked as received on paper, per component."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="paper_receipts")
    component = models.ForeignKey(
        "procedures.DocumentComponent", on_delete=models.PROTECT, related_name="+"
    )
    original_or_copy = models.CharField(max_length=16)
    quantity = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "component"], name="paper_receipt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.original_or_copy}"


class Slip(models.Model):
    """A generated legal form (reception slip, refusal, apology ...), stored as a PDF."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="slips")
    kind = models.CharField(_("kind"), max_length=32, choices=SlipKind.choices)
    # No database constraint: the event trail is partitioned by month on PostgreSQL and its
    # key is (id, created_at) (migration 0020). Events are append-only, so the id holds.
    event = models.ForeignKey(
        "DossierEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="slips",
        db_constraint=False,
    )
    signed = models.BooleanField(_("digitally signed"), default=False)
    file = models.FileField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["dossier", "kind"], name="slip_dossier_kind_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(kind="reception"),
                name="slip_one_reception_slip_per_dossier",
            ),
            models.UniqueConstraint(fields=["event", "kind"], name="slip_one_per_event_kind"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class DossierEvent(models.Model):
    """Append-only audit trail. The database refuses UPDATE and DELETE on this table."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=32, blank=True)
    office = models.ForeignKey(
        "offices.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    citizen_visible = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["dossier", "created_at"], name="event_dossier_time_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_state}->{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Dossier events are append-only.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Dossier events are append-only.")

    @property
    def label(self) -> str:
        """What happened, for timelines: the action when it names it better than the state
        (a supplement provided, an apology), else the new state, or the kind of event."""
        action = (self.payload or {}).get("action")
        if action in EVENT_ACTION_LABELS:
            return str(EVENT_ACTION_LABELS[action])
        if self.to_state and self.to_state != self.from_state:
            return str(DossierState(self.to_state).label)
        return str(self.get_kind_display())


class IdempotencyRecord(models.Model):
    """What a request that carried an Idempotency-Key created, replayed on retries.

    Dossier creations keep the dossier (deleted with it); other resources (ratings, bundles,
    webhook endpoints) are named by `resource_type` and `resource_id`. Records are purged
    after settings.IDEMPOTENCY_KEY_TTL_HOURS.
    """

    key = models.CharField(max_length=128)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request_fingerprint = models.CharField(max_length=64)
    dossier = models.ForeignKey(Dossier, null=True, on_delete=models.CASCADE, related_name="+")
    resource_type = models.CharField(max_length=32, blank=True, default="")
    resource_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class TakeOverConsent(models.Model):
    """The citizen's consent that a counter finishes their online draft (issue #18).

    By code: the counter asks for a one-time code, sent to the citizen's inbox and phone;
    only its keyed hash is kept; it expires, is used once, and allows a few wrong tries.
    By presence: the officer records that the citizen stands at the counter with the ID
    card whose number matches the draft's applicant. Either way `used_at` is the take-over.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="consents")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=16, choices=ConsentMethod.choices)
    code_hash = models.CharField(max_length=128, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("take-over consent")
        verbose_name_plural = _("take-over consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=ConsentMethod.values), name="takeover_consent_method_valid"
            ),
            models.CheckConstraint(
                condition=~Q(method=ConsentMethod.CODE)
                | (~Q(code_hash="") & Q(expires_at__isnull=False)),
                name="takeover_consent_code_has_hash",
            ),
        ]
        indexes = [
            models.Index(fields=["dossier", "officer", "-created_at"], name="takeover_consent_idx")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.dossier_id}"

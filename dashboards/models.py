from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossiers.constants import Channel

from .constants import Comparison, TargetKey, TargetUnit


class Target(models.Model):
    """A plan target a dashboard figure is compared with. Editable in the admin."""

    key = models.CharField(_("figure"), max_length=32, choices=TargetKey.choices, unique=True)
    value = models.DecimalField(_("target value"), max_digits=6, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=16, choices=TargetUnit.choices)
    comparison = models.CharField(
        _("the figure must be"), max_length=16, choices=Comparison.choices
    )
    basis = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("The plan or law that sets it.")
    )
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("Shown under the figure, e.g. what the target covers."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key__in=TargetKey.values), name="dashboards_target_key_valid"
            ),
            models.CheckConstraint(
                condition=Q(unit__in=TargetUnit.values), name="dashboards_target_unit_valid"
            ),
            models.CheckConstraint(
                condition=Q(comparison__in=Comparison.values),
                name="dashboards_target_comparison_valid",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) & (~Q(unit=TargetUnit.PERCENT) | Q(value__lte=100)),
                name="dashboards_target_value_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} {self.get_comparison_display()} {self.value}"

    def is_met(self, value: float) -> bool:
        if self.comparison == Comparison.AT_MOST:
            return value <= float(self.value)
        return value >= float(self.value)


class RollupCounters(models.Model):
    """The counters of a rollup row (see `DailyRollup` for how each is dated)."""

    received = models.PositiveIntegerField(_("received"), default=0)
    received_digitised = models.PositiveIntegerField(_("received, fully digitised"), default=0)
    received_outside_residence = models.PositiveIntegerField(
        _("received outside the applicant's province of residence"), default=0
    )
    decided = models.PositiveIntegerField(_("processed (decided)"), default=0)
    returned = models.PositiveIntegerField(_("returned"), default=0)
    returned_early = models.PositiveIntegerField(_("returned early"), default=0)
    returned_on_time = models.PositiveIntegerField(_("returned on time"), default=0)
    returned_late = models.PositiveIntegerField(_("returned late"), default=0)
    returned_late_apologised = models.PositiveIntegerField(
        _("returned late, by the apologised date"), default=0
    )
    returned_signed = models.PositiveIntegerField(
        _("returned with an electronically signed result"), default=0
    )
    processing_count = models.PositiveIntegerField(_("returned with a reception time"), default=0)
    processing_days_sum = models.FloatField(_("processing time, sum (working days)"), default=0)
    processing_histogram = models.JSONField(
        _("processing time histogram"),
        default=dict,
        blank=True,
        help_text=_("Working days rounded to 0.1 → number of dossiers."),
    )
    paid_non_cash = models.PositiveIntegerField(_("benefits paid to an account"), default=0)
    paid_cash = models.PositiveIntegerField(_("benefits paid in cash"), default=0)
    paid_via_employer = models.PositiveIntegerField(
        _("benefits paid through the employer"), default=0
    )
    # Satisfaction ratings, dated by the day the rating was given (ratings.models.Rating).
    rated = models.PositiveIntegerField(_("ratings given"), default=0)
    rated_satisfied = models.PositiveIntegerField(_("ratings of 4 or 5"), default=0)
    score_sum = models.PositiveIntegerField(_("overall scores, sum"), default=0)
    timeliness_sum = models.PositiveIntegerField(_("timeliness scores, sum"), default=0)
    attitude_sum = models.PositiveIntegerField(_("attitude scores, sum"), default=0)
    guidance_sum = models.PositiveIntegerField(_("guidance scores, sum"), default=0)
    trips_sum = models.PositiveIntegerField(_("trips needed, sum"), default=0)

    class Meta:
        abstract = True


class DailyRollup(RollupCounters):
    """What happened on one day (Asia/Ho_Chi_Minh) to the dossiers of one combination.

    Keyed by day × competent office × receiving office × procedure × channel. Each count is
    dated by its own event: `received*` by reception, `decided` by the decision, `returned*`,
    `processing*` and `paid*` by the return of the result, `rated*` and the score sums by
    the day the applicant rated the service. Rebuilt per day by
    `dashboards.services.daily_rollup_refresh`; never edited by hand.
    """

    day = models.DateField(_("day"))
    province_code = models.PositiveSmallIntegerField(
        _("province of the competent office"), null=True, blank=True
    )
    competent_office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("competent office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    receiving_office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("receiving office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        ordering = ["-day", "competent_office_id", "procedure_id", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "competent_office", "receiving_office", "procedure", "channel"],
                name="dashboards_rollup_key_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["competent_office", "day"], name="rollup_office_day_idx"),
            models.Index(fields=["province_code", "day"], name="rollup_province_day_idx"),
            models.Index(fields=["procedure", "day"], name="rollup_procedure_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.competent_office_id} {self.procedure_id} {self.channel}"


class MonthlyRollup(RollupCounters):
    """The summary read for whole months: the sum of a month's `DailyRollup` rows.

    Keyed by month × competent office × procedure × channel (no receiving office: no figure
    or filter needs it), so a year of national figures reads at most 12 rows per
    (office, procedure, channel), whatever the number of dossiers. Rebuilt for a month (or
    one competent office's slice of it) in the same transaction as the day it contains, by
    `dashboards.services.monthly_rollup_rebuild`; never edited by hand.
    """

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    province_code = models.PositiveSmallIntegerField(
        _("province of the competent office"), null=True, blank=True
    )
    competent_office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("competent office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)

    class Meta:
        verbose_name = _("monthly rollup")
        verbose_name_plural = _("monthly rollups")
        ordering = ["-month", "competent_office_id", "procedure_id", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "competent_office", "procedure", "channel"],
                name="dashboards_monthly_key_unique",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="dashboards_monthly_first_day"),
        ]
        indexes = [
            models.Index(fields=["month", "province_code"], name="monthly_month_province_idx"),
            models.Index(fields=["competent_office", "month"], name="monthly_office_month_idx"),
            models.Index(fields=["procedure", "month"], name="monthly_procedure_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.competent_office_id} {self.procedure_id} {self.channel}"


class MonthlyOfficeHistogram(models.Model):
    """A month's processing-time histogram of one competent office, all procedures and
    channels together: what the 90th percentile reads when no procedure or channel is
    chosen (12 rows per office for a year instead of one per procedure and channel).
    Rebuilt with the office's `MonthlyRollup` slice."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    province_code = models.PositiveSmallIntegerField(
        _("province of the competent office"), null=True, blank=True
    )
    competent_office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("competent office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    processing_histogram = models.JSONField(
        _("processing time histogram"),
        default=dict,
        blank=True,
        help_text=_("Working days rounded to 0.1 → number of dossiers."),
    )

    class Meta:
        verbose_name = _("monthly processing-time histogram")
        verbose_name_plural = _("monthly processing-time histograms")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "competent_office"], name="dashboards_monthly_hist_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["month", "province_code"], name="monthly_hist_province_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.competent_office_id}"


class RollupMonth(models.Model):
    """One row per summarised month: serialises the rebuilds of that month's summary."""

    month = models.DateField(_("month"), primary_key=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("summarised month")
        verbose_name_plural = _("summarised months")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class RollupDay(models.Model):
    """One row per computed day: serialises refreshes of that day and dates the figures."""

    day = models.DateField(_("day"), primary_key=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rollup rows"), default=0)

    class Meta:
        verbose_name = _("computed day")
        verbose_name_plural = _("computed days")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)


class RollupDirtyDay(models.Model):
    """A day whose rollups must be recomputed (insert-only queue; duplicates are harmless).

    With a competent office, only that office's slice of the day is recomputed.
    """

    day = models.DateField(_("day"), db_index=True)
    competent_office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("competent office"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: recompute the whole day."),
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("day to recompute")
        verbose_name_plural = _("days to recompute")
        ordering = ["day", "id"]

    def __str__(self) -> str:
        return str(self.day)

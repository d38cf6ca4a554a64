from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from dossiers.constants import CLOCK_RUNNING_STATES, Channel, DossierState


class TargetKey(models.TextChoices):
    """The plan targets the dashboard compares figures with (values are editable data)."""

    ON_TIME = "on_time", _("On-time rate")
    ONLINE_SHARE = "online_share", _("Share received electronically")
    CROSS_BOUNDARY = "cross_boundary", _("Handled regardless of administrative boundaries")
    DIGITISED = "digitised", _("Dossiers fully digitised")
    SIGNED = "signed", _("Results signed electronically")
    SATISFACTION = "satisfaction", _("Satisfied applicants")
    WAIT_TIME = "wait_time", _("Waiting time per transaction")
    NON_CASH = "non_cash", _("Benefits paid non-cash")


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", _("at least")
    AT_MOST = "at_most", _("at most")


class TargetUnit(models.TextChoices):
    PERCENT = "percent", _("per cent")
    MINUTES = "minutes", _("minutes")


class Unit(models.TextChoices):
    """How a dashboard figure's value reads."""

    COUNT = "count", _("dossiers")
    PERCENT = "percent", _("per cent")
    WORKING_DAYS = "working_days", _("working days")
    SCORE = "score", _("points out of 5")
    MINUTES = "minutes", _("minutes")
    TRIPS = "trips", _("trips")


class Counted(models.TextChoices):
    """What a figure's numerator and denominator count."""

    DOSSIERS = "dossiers", _("dossiers")
    PROCEDURES = "procedures", _("procedures")


class Status(models.TextChoices):
    """A figure beside its target."""

    ON_TARGET = "on", _("On target")
    OFF_TARGET = "off", _("Off target")
    NO_TARGET = "none", _("No target")
    NO_DATA = "no_data", _("No data in this period")
    NOT_MEASURED = "not_measured", _("Not measured yet")


class Drill(models.TextChoices):
    """The dossier lists behind the figures (drill-down)."""

    RECEIVED = "received", _("Dossiers received")
    DECIDED = "decided", _("Dossiers processed (decided)")
    RETURNED = "returned", _("Results returned")
    EARLY = "early", _("Results returned early")
    ON_TIME = "on_time", _("Results returned on time")
    LATE = "late", _("Results returned late")
    TIMELY = "timely", _("Results returned early or on time")
    LATE_APOLOGISED = "late_apologised", _("Results returned late, by the apologised date")
    ELECTRONIC = "electronic", _("Received electronically (online or I-VAN)")
    CHANNEL_ONLINE = "channel_online", _("Received online")
    CHANNEL_COUNTER = "channel_counter", _("Received at the counter")
    CHANNEL_POST = "channel_post", _("Received by post")
    CHANNEL_IVAN = "channel_ivan", _("Received through an I-VAN provider")
    OUTSIDE_RESIDENCE = (
        "outside_residence",
        _("Received outside the applicant's province of residence"),
    )
    DIGITISED = "digitised", _("Received and fully digitised")
    NOT_DIGITISED = "not_digitised", _("Received and not fully digitised")
    SIGNED = "signed", _("Returned with an electronically signed result")
    UNSIGNED = "unsigned", _("Returned without an electronically signed result")
    NON_CASH = "non_cash", _("Benefits paid to a personal account")
    CASH = "cash", _("Benefits paid in cash")
    OVERDUE = "overdue", _("Overdue now")
    RATED = "rated", _("Dossiers rated by the applicant")
    UNSATISFIED = "unsatisfied", _("Rated 3 or less out of 5")


CHANNEL_DRILLS = {
    Channel.ONLINE: Drill.CHANNEL_ONLINE,
    Channel.COUNTER: Drill.CHANNEL_COUNTER,
    Channel.POST: Drill.CHANNEL_POST,
    Channel.IVAN: Drill.CHANNEL_IVAN,
}

# Channels counted as "received electronically" against the online-share target: the
# portals and the VssID app, and employers' e-declarations through I-VAN providers.
ELECTRONIC_CHANNELS = (Channel.ONLINE, Channel.IVAN)

# Dossier states in which a passed appointed time means "overdue now" (the clock runs, or the
# result waits to be returned). The worklist's "overdue" tab uses the same rule.
OVERDUE_STATES = tuple(sorted(CLOCK_RUNNING_STATES | {DossierState.PROCESSED}))

# payment_method values of the benefit procedures (procedures/data/catalogue.json).
PAYMENT_NON_CASH = ("bank",)
PAYMENT_CASH = ("cash_post",)
PAYMENT_VIA_EMPLOYER = ("employer",)

# A rating of 4 or 5 out of 5 counts as "satisfied".
SATISFIED_MIN_SCORE = 4

# Open data: rates and averages computed from fewer dossiers than this are withheld.
OPEN_DATA_MIN_CELL = 5

# Processing-time histogram resolution, in working days (p90 is exact to this step).
HISTOGRAM_STEP = "0.1"


# The notes seeded on the targets (migrations 0002 and 0003), stored in English and
# translated when shown (`dashboard_tags.target_note`). A note edited in the admin is
# shown as typed. The "%" in them is a percent sign, not a placeholder.
SEEDED_TARGET_NOTES = (
    gettext_noop("Statutory target: every dossier within its time limit."),
    # xgettext:no-python-format
    gettext_noop("2026 target: 80% of dossiers processed online."),
    gettext_noop("For procedures that need no field inspection."),
    gettext_noop(
        "Of the published procedures: filed online from any province and at any office's counter."
    ),
    gettext_noop("Every dossier digitised and shared."),
    # xgettext:no-python-format
    gettext_noop("95% of documents signed online."),
    # xgettext:no-python-format
    gettext_noop("At least 85% for social insurance participants."),
    gettext_noop("Per transaction."),
    # xgettext:no-python-format
    gettext_noop("Urban benefits paid non-cash (74% reached in H1 2024)."),
)

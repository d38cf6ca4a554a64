"""Which dossiers and procedures a boundary or timeliness figure counts (docs/dashboards.md).

One place for the rules the rollups (`services`), the figures and the drill-downs share, so a
figure and the dossiers listed behind it never disagree.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.expressions import Case, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, LessThan

from beneficiaries.models import Person
from dossiers.constants import Timeliness
from procedures.constants import Channel as ProcedureChannel
from procedures.constants import CompetentOffice

from .constants import OVERDUE_STATES


def residence_province():
    """The province the applicant lives in, as an expression on dossiers.

    The registry's current address, else its permanent address (person found by the ID
    number on the dossier), else the province the applicant declared as where they live (the
    dossier's province, for procedures handled by the office of the person's province; for
    the employer's-province procedures that province is the employer's, not a residence).
    NULL when none is known.
    """
    person = Person.objects.filter(national_id=OuterRef("applicant_national_id"))
    return Coalesce(
        Subquery(person.values("current_province_code")[:1]),
        Subquery(person.values("permanent_province_code")[:1]),
        Case(
            When(
                procedure__competent_office=CompetentOffice.PERSON_PROVINCE,
                then=F("applicant_province_code"),
            ),
            default=Value(None),
        ),
    )


def outside_residence_q() -> Q:
    """Received outside the applicant's province of residence.

    The receiving office is in another province than the one the applicant lives in: a
    counter or post reception at an office of another province, or an online (or I-VAN)
    filing, which the competent office receives, whose applicant lives in another province
    than that office. Not counted when the residence or the receiving office is unknown.
    """
    residence = residence_province()
    office = F("receiving_office__province_code")
    return Q(LessThan(office, residence)) | Q(GreaterThan(office, residence))


def overdue_q(now: dt.datetime) -> Q:
    """Open dossiers late right now: past their statutory date, whatever an apology gave.

    Past the appointed time (`due_at`, index `dossier_state_due_idx`), or apologised and past
    the statutory date (`dossier_apologised_overdue_idx`, a small partial index): the
    statutory date is never later than `due_at`, so this is "past the statutory date".
    """
    return Q(state__in=OVERDUE_STATES) & (
        Q(due_at__lt=now) | Q(apology_issued_at__isnull=False, statutory_due_at__lt=now)
    )


def late_apologised_q() -> Q:
    """Returned late (after the statutory date), but by the date the apology letter gave."""
    return Q(
        timeliness=Timeliness.LATE,
        apology_issued_at__isnull=False,
        returned_at__lte=F("due_at"),
    )


def is_boundary_free(*, field_inspection: bool, channels: list[str]) -> bool:
    """A procedure handled regardless of administrative boundaries.

    It can be filed online (the applicant picks the competent province from anywhere) and at
    the counter, and needs no field inspection, so any office's counter receives it.
    """
    return (
        not field_inspection
        and ProcedureChannel.ONLINE in channels
        and ProcedureChannel.COUNTER in channels
    )

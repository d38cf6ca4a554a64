"""Result numbers: "Số: 123/QĐ-BHXH", one register per deciding office, year and series."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .constants import Outcome
from .models import DecisionSequence, Dossier

# Approved results are decisions (quyết định), denials are notices (thông báo).
SERIES = {Outcome.APPROVED: "QĐ", Outcome.DENIED: "TB"}
SUFFIX = "BHXH"


def decision_series(outcome: str) -> str:
    return SERIES.get(outcome, SERIES[Outcome.APPROVED])


def decision_number_format(number: int, series: str) -> str:
    return f"{number}/{series}-{SUFFIX}"


def decision_number_next(*, office_id: int, year: int, series: str) -> int:
    """Take the next number of `office`'s register for `year` and `series`.

    Must run inside the caller's transaction: the counter row stays locked until the
    caller commits, so concurrent signings get distinct consecutive numbers and a
    rolled-back signing gives its number back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("decision_number_next must run inside a transaction")
    try:
        with transaction.atomic():  # a savepoint: the first signing of the year creates it
            DecisionSequence.objects.get_or_create(office_id=office_id, year=year, series=series)
    except IntegrityError:
        pass  # another signing created the row at the same moment
    sequence = DecisionSequence.objects.filter(office_id=office_id, year=year, series=series)
    sequence.update(last_number=F("last_number") + 1)
    return sequence.values_list("last_number", flat=True).get()


def decision_number_assign(dossier: Dossier, *, at: dt.datetime) -> list[str]:
    """Number the dossier's result (on the locked row, inside the signing transaction).

    Returns the changed fields; a dossier already numbered, or without a deciding office,
    keeps what it has.
    """
    office_id = dossier.competent_office_id or dossier.receiving_office_id
    if dossier.decision_number or office_id is None:
        return []
    year = timezone.localdate(at).year
    series = decision_series(dossier.outcome)
    number = decision_number_next(office_id=office_id, year=year, series=series)
    dossier.decision_office_id = office_id
    dossier.decision_year = year
    dossier.decision_number = decision_number_format(number, series)
    return ["decision_number", "decision_office", "decision_year"]

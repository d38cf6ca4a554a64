"""Dossier codes: `V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX` (agency code, reception date, sequence)."""

import datetime as dt

from django.db import transaction
from django.db.models import F

from offices.models import Office

from .models import DailySequence


def dossier_code_next(*, office: Office, day: dt.date) -> str:
    """Take the next number of `office` on `day`. Must run inside the caller's transaction.

    The office-day counter row is locked until the caller commits, so numbers are unique
    under concurrent submissions, and a rolled-back submission gives its number back
    (no gaps).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_code_next must run inside a transaction")
    DailySequence.objects.get_or_create(office=office, day=day)
    updated = DailySequence.objects.filter(office=office, day=day).update(
        last_number=F("last_number") + 1
    )
    if updated != 1:  # pragma: no cover - the row was created just above
        raise RuntimeError("daily sequence row missing")
    number = DailySequence.objects.values_list("last_number", flat=True).get(office=office, day=day)
    return f"{office.agency_code}-{day:%y%m%d}-{number:04d}"

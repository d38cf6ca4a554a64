"""Dossier codes: `V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX` (agency code, reception date, serial).

The agency part is the QCVN 102:2016 code of the **receiving unit** (the counter officer's
office; for online filing, the provincial office that receives it), and the serial counts
that unit's dossiers of that day (`DailySequence` is keyed by the same office). The serial
has at least 4 digits: after 9999 a big office simply continues with 10000, 10001 ...
(docs/adr/0005-dossier-code-serial.md), so a code is never duplicated, taking a number never
fails, and every code still matches `CODE_PATTERN`.
"""

import datetime as dt
import re

from django.db import transaction
from django.db.models import F

from offices.models import Office

from .constants import CODE_MAX_LENGTH
from .models import DailySequence

__all__ = ["CODE_MAX_LENGTH", "CODE_PATTERN", "dossier_code_next", "dossier_code_parse"]

SERIAL_MIN_DIGITS = 4
CODE_PATTERN = re.compile(r"^(?P<agency>[0-9A-Z][0-9A-Z.]*)-(?P<day>\d{6})-(?P<serial>\d{4,8})$")


def dossier_code_format(*, office: Office, day: dt.date, number: int) -> str:
    return f"{office.agency_code}-{day:%y%m%d}-{number:0{SERIAL_MIN_DIGITS}d}"


def dossier_code_parse(code: str) -> tuple[str, str, int] | None:
    """(agency code, YYMMDD, serial) of a well-formed code, else None."""
    match = CODE_PATTERN.match(code or "")
    if match is None:
        return None
    return match["agency"], match["day"], int(match["serial"])


def dossier_code_next(*, office: Office, day: dt.date) -> str:
    """Take the next number of `office` on `day`. Must run inside the caller's transaction.

    The office-day counter row is locked until the caller commits, so numbers are unique
    under concurrent submissions, and a rolled-back submission gives its number back
    (no gaps). Past 9999 the serial grows a fifth digit instead of wrapping or failing.
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
    return dossier_code_format(office=office, day=day, number=number)

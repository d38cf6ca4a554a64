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

from offices.models import Office

from .constants import CODE_MAX_LENGTH
from .models import DailySequence

__all__ = [
    "CODE_MAX_LENGTH",
    "CODE_PATTERN",
    "dossier_code_next",
    "dossier_code_parse",
    "dossier_codes_take",
]

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
    return dossier_codes_take(office=office, day=day, count=1)[0]


def dossier_codes_take(*, office: Office, day: dt.date, count: int) -> list[str]:
    """Take the next `count` numbers of `office` on `day` at once (batch filing), in order.

    One statement: an upsert of the office-day counter that adds `count` and returns the
    new last number (`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`, PostgreSQL and
    SQLite alike). The row stays locked until the caller commits, as for one number.
    """
    if count < 1:
        return []
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("dossier codes must be taken inside a transaction")
    table = connection.ops.quote_name(DailySequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (office_id, day, last_number) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (office_id, day) DO UPDATE "
            f"SET last_number = {table}.last_number + %s RETURNING last_number",
            [office.pk, connection.ops.adapt_datefield_value(day), count, count],
        )
        last = cursor.fetchone()[0]
    return [
        dossier_code_format(office=office, day=day, number=number)
        for number in range(last - count + 1, last + 1)
    ]

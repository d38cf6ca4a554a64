"""Government decisions that move days, shipped as data.

Each year the government decides late which days are swapped (a day off bridged to a
holiday, a Saturday worked to make up for it). `holidays.VN` covers the fixed holidays, but
a release can miss a swap or carry a different one, so the decisions the portal knows of
are listed here and loaded as `CalendarOverride` rows: by the data migration
`workdays.0002_new_year_2026_swap` and, idempotently, by `manage.py load_calendar_decisions`
(rows already present, including ones edited in the admin, are left as they are).

Add next year's swaps in the admin (docs/operations.md, "Calendar"); add them here too
so that new installations and the test database have them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .constants import OverrideKind


@dataclass(frozen=True)
class CalendarDecision:
    date: dt.date
    kind: str
    reason: str
    legal_basis: str


NEW_YEAR_2026_BASIS = "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"

DECISIONS: tuple[CalendarDecision, ...] = (
    CalendarDecision(
        date=dt.date(2026, 1, 2),
        kind=OverrideKind.DAY_OFF,
        reason="Nghỉ bù Tết Dương lịch 2026 (đổi với thứ Bảy 10/01/2026)",
        legal_basis=NEW_YEAR_2026_BASIS,
    ),
    CalendarDecision(
        date=dt.date(2026, 1, 10),
        kind=OverrideKind.WORKING_DAY,
        reason="Làm bù cho thứ Sáu 02/01/2026 (Tết Dương lịch 2026)",
        legal_basis=NEW_YEAR_2026_BASIS,
    ),
)

"""Seed the New Year 2026 swap (official letter 12729/VPCP-KGVX of 25 December 2025).

Friday 2 January 2026 is a day off and Saturday 10 January 2026 a working day;
holidays.VN 0.109 has neither. The rows are frozen here (migrations do not import app
code); `workdays/decisions.py` lists the same decisions for `load_calendar_decisions`.
A date that already has an override is left as it is; the reverse removes only the rows
this migration added (same date, kind and legal basis).
"""

import datetime as dt

from django.db import migrations

BASIS = "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"
ROWS = (
    (
        dt.date(2026, 1, 2),
        "day_off",
        "Nghỉ bù Tết Dương lịch 2026 (đổi với thứ Bảy 10/01/2026)",
    ),
    (
        dt.date(2026, 1, 10),
        "working_day",
        "Làm bù cho thứ Sáu 02/01/2026 (Tết Dương lịch 2026)",
    ),
)


def seed(apps, schema_editor):
    CalendarOverride = apps.get_model("workdays", "CalendarOverride")
    for date, kind, reason in ROWS:
        CalendarOverride.objects.get_or_create(
            date=date, defaults={"kind": kind, "reason": reason, "legal_basis": BASIS}
        )


def unseed(apps, schema_editor):
    CalendarOverride = apps.get_model("workdays", "CalendarOverride")
    for date, kind, _reason in ROWS:
        CalendarOverride.objects.filter(date=date, kind=kind, legal_basis=BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

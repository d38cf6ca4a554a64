"""Recompute dashboard rollups: `manage.py rollups_refresh --since 2026-01-01`."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dashboards.services import (
    days_between,
    rollups_analyze,
    rollups_refresh_days,
    rollups_refresh_dirty,
)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = (
        "Recompute the dashboard's daily rollups for the given days, a date range, the last "
        "N days or the queued days. Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", action="append", default=[], help="A day (repeatable).")
        parser.add_argument("--since", help="First day of a range (YYYY-MM-DD).")
        parser.add_argument("--until", help="Last day of the range (default today).")
        parser.add_argument("--last", type=int, default=0, help="The last N days up to today.")
        parser.add_argument(
            "--dirty", action="store_true", help="What changes queued (days or office slices)."
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        days = {_date(value) for value in options["day"]}
        if options["since"]:
            until = _date(options["until"]) if options["until"] else today
            start = _date(options["since"])
            if until < start:
                raise CommandError("--until is before --since")
            days.update(days_between(start, until))
        if options["last"] > 0:
            days.update(days_between(today - dt.timedelta(days=options["last"] - 1), today))
        if not days and not options["dirty"]:
            raise CommandError("Say which days: --day, --since/--until, --last or --dirty.")
        written = rollups_refresh_days(days=days)
        rows = sum(written.values())
        if options["dirty"]:
            rows += rollups_refresh_dirty()
        rollups_analyze()  # a back-fill rewrites many rows: fresh planner statistics
        self.stdout.write(f"Refreshed {len(written)} day(s) and the queue, {rows} rollup row(s).")

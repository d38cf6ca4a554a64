from django.core.management.base import BaseCommand

from workdays.services import calendar_overrides_load


class Command(BaseCommand):
    help = (
        "Add the government's day swaps shipped in workdays/decisions.py as calendar "
        "overrides (idempotent; overrides already entered or edited are left as they are)."
    )

    def handle(self, *args, **options):
        created = calendar_overrides_load()
        self.stdout.write(f"calendar: {created} new override(s)")

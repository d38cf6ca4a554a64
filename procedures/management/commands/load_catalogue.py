from django.core.management.base import BaseCommand

from procedures.services import catalogue_load


class Command(BaseCommand):
    help = (
        "Load the reviewed procedure catalogue (idempotent; stored versions are never rewritten)."
    )

    def handle(self, *args, **options):
        created = catalogue_load()
        self.stdout.write(
            f"catalogue: {created['procedures']} new procedure(s), "
            f"{created['versions']} new version(s)"
        )

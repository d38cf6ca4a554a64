from django.core.management.base import BaseCommand

from procedures.services import DEMO_CATALOGUE_PATH, catalogue_load


class Command(BaseCommand):
    help = (
        "Load the reviewed procedure catalogue (idempotent; stored versions are never rewritten)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Load the made-up demo procedures instead (seed_demo does; never in production).",
        )

    def handle(self, *args, **options):
        created = catalogue_load(path=DEMO_CATALOGUE_PATH) if options["demo"] else catalogue_load()
        label = "demo catalogue" if options["demo"] else "catalogue"
        self.stdout.write(
            f"{label}: {created['procedures']} new procedure(s), "
            f"{created['versions']} new version(s)"
        )

"""Register the citizen app's OAuth 2 client (public, PKCE). Safe to run again."""

from django.core.management.base import BaseCommand

from appauth.constants import DEMO_CLIENT_ID, DEMO_CLIENT_NAME
from appauth.services import citizen_app_client_ensure


class Command(BaseCommand):
    help = "Create or update the citizen app's OAuth 2 client (authorization code with PKCE)."

    def add_arguments(self, parser):
        parser.add_argument("--client-id", default=DEMO_CLIENT_ID)
        parser.add_argument("--name", default=DEMO_CLIENT_NAME)
        parser.add_argument(
            "--redirect-uri",
            action="append",
            help="repeatable; default <first CITIZEN_APP_REDIRECT_SCHEMES>://oauth/callback",
        )

    def handle(self, *args, **options):
        application = citizen_app_client_ensure(
            client_id=options["client_id"],
            name=options["name"],
            redirect_uris=options["redirect_uri"],
        )
        self.stdout.write(
            f"citizen app client: {application.client_id} (redirect: {application.redirect_uris})"
        )

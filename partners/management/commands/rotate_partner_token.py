"""Rotate a partner's API token from the command line: prints the new secret once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partners.models import PartnerToken
from partners.services import partner_token_rotate


class Command(BaseCommand):
    help = (
        "Issue a new API token in place of TOKEN_ID (same partner, scopes and limit); the old "
        "one keeps working for the grace period, then is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("token_id", type=int)
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=None,
            help="Grace period of the old token (default PARTNER_TOKEN_ROTATION_GRACE_HOURS).",
        )

    def handle(self, *args, token_id: int, grace_hours: int | None, **options):
        token = PartnerToken.objects.filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"No API token {token_id}.")
        if grace_hours is not None and grace_hours < 0:
            raise CommandError("--grace-hours cannot be negative.")
        try:
            new, secret = partner_token_rotate(token=token, grace_hours=grace_hours)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        token.refresh_from_db(fields=["expires_at"])
        self.stdout.write(f"new token id: {new.pk}")
        self.stdout.write(f"new token expires at: {new.expires_at.isoformat()}")
        self.stdout.write(f"old token refused after: {token.expires_at.isoformat()}")
        self.stdout.write(f"secret (shown once): {secret}")

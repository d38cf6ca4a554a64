"""`Authorization: Token <secret>` for partner systems."""

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .selectors import token_for_secret
from .services import partner_token_touch

KEYWORD = b"token"
MAX_SECRET_LENGTH = 200


class PartnerTokenAuthentication(BaseAuthentication):
    """Authenticates a partner token; `request.user` is the partner's service account and
    `request.auth` the token (its scopes and rate limit apply to the request).

    The secret is hashed and looked up by its hash, so no comparison runs over the secret.
    """

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2 or len(parts[1]) > MAX_SECRET_LENGTH:
            raise AuthenticationFailed(_("Invalid token header."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed(_("Invalid token header.")) from exc
        token = token_for_secret(secret)
        if token is not None and token.is_expired and token.revoked_at is None:
            raise AuthenticationFailed(
                _(
                    "This token has expired. Use the token that replaced it, or ask the "
                    "social security office for a new one."
                ),
                code="token_expired",
            )
        if token is None or not token.usable or not token.partner.user.is_active:
            raise AuthenticationFailed(_("Invalid or revoked token."))
        partner_token_touch(token=token)
        return (token.partner.user, token)

    def authenticate_header(self, request):
        return 'Token realm="api"'

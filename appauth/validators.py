"""django-oauth-toolkit's request validator, narrowed to what the citizen app may do."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from .constants import GRANT_TYPES


class CitizenAppValidator(OAuth2Validator):
    """Authorization code (with PKCE, settings.OAUTH2_PROVIDER) and refresh only."""

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if grant_type not in GRANT_TYPES:
            return False
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def validate_user(self, username, password, client, request, *args, **kwargs):
        return False  # the password grant is never accepted

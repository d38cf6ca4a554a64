"""OpenAPI description of the citizen app's OAuth 2 tokens (loaded by the app config)."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .constants import API_SCOPES

NAME = "citizenApp"


def _required(view, method: str):
    required = getattr(view, "required_scopes", None)
    if isinstance(required, dict):
        return required.get(method)
    return required


class CitizenAppScheme(OpenApiAuthenticationExtension):
    target_class = "appauth.authentication.CitizenAppAuthentication"
    name = NAME

    def get_security_requirement(self, auto_schema):
        view = auto_schema.view
        own = getattr(view, "citizen_app_scopes", None)
        if own is not None:
            return {NAME: list(own)}
        required = _required(view, auto_schema.method)
        if required is None or any(scope not in API_SCOPES for scope in required):
            return None  # the operation refuses citizen app tokens
        return {NAME: [API_SCOPES[scope] for scope in required]}

    def get_security_definition(self, auto_schema):
        site = settings.SITE_URL.rstrip("/")
        return {
            "type": "oauth2",
            "description": (
                "Ứng dụng công dân: mã truy cập OAuth 2.0 (authorization code + PKCE S256), gửi "
                "dạng `Authorization: Bearer …`; hết hạn sau vài phút, làm mới bằng refresh "
                "token (docs/api.md).\n\n"
                "The citizen app: OAuth 2.0 access tokens (authorization code with PKCE S256), "
                "sent as `Authorization: Bearer …`; they expire after minutes and are renewed "
                'with the refresh token (docs/api.md, "The citizen app").'
            ),
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": f"{site}/oauth/authorize/",
                    "tokenUrl": f"{site}/oauth/token/",
                    "refreshUrl": f"{site}/oauth/token/",
                    "scopes": dict(settings.OAUTH2_PROVIDER["SCOPES"]),
                }
            },
        }

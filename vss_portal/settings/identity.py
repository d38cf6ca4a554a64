"""Who signs in and how: VNeID (OpenID Connect) for citizens, and the portal as the OAuth 2.0
authorization server of the citizen app (django-oauth-toolkit).

See docs/adr/0008-oidc-vneid-and-citizen-app.md.
"""

from .env import env

# --- VNeID sign-in (OpenID Connect, Authlib) ------------------------------------------------
# The provider's discovery document (…/.well-known/openid-configuration). Empty: the sign-in
# page offers no VNeID button. `make run` and the tests use the local provider in
# devtools/vneid/ (http://127.0.0.1:8100/o/.well-known/openid-configuration/).
VNEID_DISCOVERY_URL = env.str("VNEID_DISCOVERY_URL", default="")
VNEID_CLIENT_ID = env.str("VNEID_CLIENT_ID", default="")
VNEID_CLIENT_SECRET = env.str("VNEID_CLIENT_SECRET", default="")
VNEID_SCOPES = env.str("VNEID_SCOPES", default="openid profile")
# Seconds for each call to the provider (discovery, keys, token).
VNEID_TIMEOUT = env.int("VNEID_TIMEOUT", default=10)

# --- The citizen app: the portal as OAuth 2.0 authorization server --------------------------
# The scheme of the app's redirect URI (a private-use URI scheme, RFC 8252 §7.1).
CITIZEN_APP_REDIRECT_SCHEMES = env.list(
    "CITIZEN_APP_REDIRECT_SCHEMES", default=["vn.gov.baohiemxahoi.citizen"]
)
OAUTH2_PROVIDER = {
    "SCOPES": {
        "profile": "Hồ sơ cá nhân / Your profile",
        "dossiers:read": "Xem hồ sơ thủ tục của bạn / Read your dossiers",
        "dossiers:write": "Nộp và cập nhật hồ sơ / File and update your dossiers",
        "notifications": "Đọc thông báo của bạn / Read your notifications",
    },
    "DEFAULT_SCOPES": ["profile"],
    # Authorization code with PKCE (S256) only; refresh tokens rotate on use.
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", *CITIZEN_APP_REDIRECT_SCHEMES],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_REFRESH_TOKEN_SECONDS", default=30 * 86400),
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "OAUTH2_VALIDATOR_CLASS": "appauth.validators.CitizenAppValidator",
    # A replayed refresh token revokes the whole token family.
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # RFC 9700 (OAuth 2.0 Security BCP) in full, checked by `manage.py check --deploy`:
    # no implicit or password grant, PKCE S256 only, tokens only in the Authorization
    # header, `iss` in the authorization response, tokens stored hashed, refresh replay
    # detection, https or private-use redirect URIs, exact redirect matching.
    **{
        f"COMPLIANT_BCP_RFC9700_{gate}": True
        for gate in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
}
# Failed token requests (wrong code, verifier, refresh token or client) allowed per client
# address in the window before the token endpoint answers 429.
OAUTH_TOKEN_FAILURES_PER_ADDRESS = env.int("OAUTH_TOKEN_FAILURES_PER_ADDRESS", default=10)
OAUTH_TOKEN_FAILURE_WINDOW_SECONDS = env.int("OAUTH_TOKEN_FAILURE_WINDOW_SECONDS", default=900)

from core.api_access import Scope

# What the citizen app may ask for (settings.OAUTH2_PROVIDER["SCOPES"] describes them).
PROFILE = "profile"
DOSSIERS_READ = "dossiers:read"
DOSSIERS_WRITE = "dossiers:write"
NOTIFICATIONS = "notifications"

# The API's scopes (core.api_access.Scope, named by the views) a citizen can grant an app.
# Scopes of partner systems (batch filing, card look-up, webhooks) are never granted.
API_SCOPES = {
    Scope.DOSSIERS_READ.value: DOSSIERS_READ,
    Scope.DOSSIERS_WRITE.value: DOSSIERS_WRITE,
}

# The grants the token endpoint accepts: no password grant, no client credentials.
GRANT_TYPES = frozenset({"authorization_code", "refresh_token"})

DEMO_CLIENT_ID = "vss-citizen-app"
DEMO_CLIENT_NAME = "VssID (ứng dụng công dân / citizen app)"

"""Django REST framework and the OpenAPI contract."""

from .env import env

# How long an Idempotency-Key is remembered (then purged by the beat task).
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=48)

# Reverse proxies in front of the application, each appending to X-Forwarded-For: rate limits
# count the address that many hops from the right (0: REMOTE_ADDR; the header is ignored).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a request without credentials gets 401 (not 403).
        "partners.authentication.PartnerTokenAuthentication",
        # The citizen app's OAuth 2 bearer tokens (appauth; docs/api.md).
        "appauth.authentication.CitizenAppAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's parsers, refusing control characters in any text field (docs/api.md).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "core.parsers.FormParser",
        "core.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.PartnerTokenRateThrottle",
        "core.throttling.AnonRateThrottle",
        "core.throttling.SessionUserRateThrottle",
    ],
    # DRF's throttles identify anonymous clients the same way (never by an untrusted header).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "600/minute", "tracking": "10/minute"},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "vss-portal API",
    "DESCRIPTION": (
        "API của Cổng dịch vụ công Bảo hiểm xã hội Việt Nam / "
        "API of the Vietnam Social Security one-stop-shop portal."
    ),
    "VERSION": "1.1.0",
    # Swagger UI from our own static files (drf-spectacular-sidecar), not a public CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # 3.1: the document publishes the webhook event catalogue in its `webhooks` section.
    "OAS_VERSION": "3.1.0",
    "WEBHOOKS": [
        f"partners.api.webhook_catalogue.{name}"
        for name in (
            "STATUS_CHANGED",
            "SUPPLEMENT_REQUESTED",
            "RESULT_SIGNED",
            "RESULT_RETURNED",
            "RATING_RECEIVED",
            "BUNDLE_PART_COMPLETED",
        )
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.paging_problems_hook",
        "core.ratelimit.rate_limit_headers_hook",
        "core.parsers.control_character_problems_hook",
    ],
    "ENUM_NAME_OVERRIDES": {
        "FieldTypeEnum": "procedures.constants.FieldType",
        "BenefitGroupEnum": "procedures.constants.BenefitGroup",
        "SlipKindEnum": "dossiers.constants.SlipKind",
        "OfficeKindEnum": "offices.constants.OfficeKind",
        "EventKindEnum": "dossiers.constants.EventKind",
        "WebhookEventTypeEnum": "partners.constants.WebhookEventType",
    },
}

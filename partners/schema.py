"""OpenAPI description of partner token authentication (loaded by the app config)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "partners.authentication.PartnerTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Mã truy cập của hệ thống đối tác, dạng `Token vss_…` / "
                "Partner system token, sent as `Authorization: Token vss_…`. "
                "Tokens are issued in the admin, carry scopes "
                "(dossiers_read, dossiers_write, batch_filing, hi_card_lookup) "
                "and a per-token rate limit."
            ),
        }

"""Partner-only permissions. Scopes (HasScope) are generic: core.api_access."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core.api_access import HasScope, request_token

__all__ = ["HasScope", "PartnerOnly", "request_token"]


class PartnerOnly(BasePermission):
    """Only partner tokens of the kinds the view names in `partner_kinds`."""

    message = _("This operation is only for partner systems of another kind.")

    def has_permission(self, request, view):
        token = request_token(request)
        kinds = getattr(view, "partner_kinds", ())
        return token is not None and token.partner.kind in kinds

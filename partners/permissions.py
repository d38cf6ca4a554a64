"""Scopes of partner tokens. Sessions (citizens, officers) are governed by roles instead."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .constants import SCOPES_BY_KIND
from .models import PartnerToken


def request_token(request) -> PartnerToken | None:
    return request.auth if isinstance(request.auth, PartnerToken) else None


def _required(view, method: str) -> tuple[str, ...] | None:
    required = getattr(view, "required_scopes", None)
    if isinstance(required, dict):
        return tuple(required.get(method, ())) if method in required else None
    return None if required is None else tuple(required)


class HasScope(BasePermission):
    """A token needs every scope the view names in `required_scopes` (a list, or a dict by
    HTTP method); a view that names none is closed to tokens. The scopes must also belong
    to the partner's kind, so a token edited outside the admin gains nothing."""

    message = _("This token does not have the scope this operation needs.")

    def has_permission(self, request, view):
        token = request_token(request)
        if token is None:
            return True
        required = _required(view, request.method)
        if required is None:
            return False
        allowed = SCOPES_BY_KIND.get(token.partner.kind, frozenset())
        return token.has_scopes(required) and set(required) <= allowed


class PartnerOnly(BasePermission):
    """Only partner tokens of the kinds the view names in `partner_kinds`."""

    message = _("This operation is only for partner systems of another kind.")

    def has_permission(self, request, view):
        token = request_token(request)
        kinds = getattr(view, "partner_kinds", ())
        return token is not None and token.partner.kind in kinds

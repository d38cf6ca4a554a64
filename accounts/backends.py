"""Sign-in by personal ID number (CCCD), e-mail or username, from one login box."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .constants import Role

_NATIONAL_ID = re.compile(r"^\d{12}$")


class PortalLoginBackend(ModelBackend):
    """Citizens use their 12-digit CCCD or e-mail; staff use their username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        identifier = username.strip()
        user_model = get_user_model()
        if _NATIONAL_ID.match(identifier):
            lookup = {"national_id": identifier, "role": Role.CITIZEN}
        elif "@" in identifier:
            lookup = {"email__iexact": identifier, "role": Role.CITIZEN}
        else:
            lookup = {"username": identifier}
        candidates = user_model.objects.filter(**lookup)
        if "username" in lookup:
            candidates = candidates.exclude(role=Role.CITIZEN)
        user = candidates.first()
        if user is None:
            # Spend the same time as a real check so timing reveals nothing.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

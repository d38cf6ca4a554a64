"""Once-only: what VSS already knows about a person, so forms never ask it again.

The beneficiary registry (its own issue) will be the primary source; until then the
account profile supplies what the citizen gave at registration.
"""

from __future__ import annotations

from accounts.models import User
from procedures.constants import PrefillKey


def known_values(user: User | None) -> dict[str, str]:
    if user is None or not user.is_authenticated or not user.is_citizen:
        return {}
    values = {
        PrefillKey.FULL_NAME: user.full_name,
        PrefillKey.NATIONAL_ID: user.national_id or "",
        PrefillKey.DATE_OF_BIRTH: user.date_of_birth.isoformat() if user.date_of_birth else "",
        PrefillKey.GENDER: user.gender,
        PrefillKey.PHONE: user.phone,
        PrefillKey.EMAIL: user.email,
    }
    return {str(key): value for key, value in values.items() if value}

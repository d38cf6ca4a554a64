"""Once-only: what VSS already knows about a person, so forms never ask it again.

The beneficiary registry is the primary source: the registry person with the account's
personal ID number gives name, date of birth, address, SI code, HI card, employer and
bank account. What the registry does not hold comes from the account profile the
citizen filled in at registration.
"""

from __future__ import annotations

from accounts.models import User
from procedures.constants import PrefillKey, PrefillSource

from . import providers


def _profile_values(user: User) -> dict[str, str]:
    values = {
        PrefillKey.FULL_NAME: user.full_name,
        PrefillKey.NATIONAL_ID: user.national_id or "",
        PrefillKey.DATE_OF_BIRTH: user.date_of_birth.isoformat() if user.date_of_birth else "",
        PrefillKey.GENDER: user.gender,
        PrefillKey.PHONE: user.phone,
        PrefillKey.EMAIL: user.email,
    }
    return {str(key): value for key, value in values.items() if value}


def known_values(user: User | None) -> dict[str, str]:
    if user is None or not user.is_authenticated or not user.is_citizen:
        return {}
    values = _profile_values(user)
    if user.national_id:
        values.update(providers.person_known_values(national_id=user.national_id))
    return values


def held_document_sources(national_id: str | None) -> set[str]:
    """Which kinds of document VSS really holds for a person (the catalogue's prefill sources).

    Nothing for a person the registry does not know: "VSS already holds this document" is
    shown only when true.
    """
    registry = providers.person_known_values(national_id=national_id or "")
    if not registry:
        return set()
    held = {str(PrefillSource.REGISTRY)}
    if registry.get(PrefillKey.SI_CODE):
        held.add(str(PrefillSource.SI_BOOK))
    if registry.get(PrefillKey.HI_CARD):
        held.add(str(PrefillSource.HI_CARD))
    return held


def dossier_national_id(dossier) -> str:
    """The applicant's personal ID number: typed at the counter, else their account's."""
    if dossier.applicant_national_id:
        return dossier.applicant_national_id
    applicant = dossier.applicant
    return (applicant.national_id or "") if applicant is not None else ""

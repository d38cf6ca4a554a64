"""Compatibility: the identifier validators now live in ``core.identifiers``.

They are generic (the filing wizard, the counter, accounts and partners use them too), so
they moved below every app; this module keeps the old import path (and the migrations
that name it) working.
"""

from core.identifiers import (  # noqa: F401
    FEMALE,
    HI_BENEFICIARY_GROUPS,
    MALE,
    OLD_PROVINCE_CODES,
    HiCardInfo,
    NationalIdInfo,
    hi_card_si_code,
    parse_hi_card_number,
    parse_national_id,
    validate_bank_account,
    validate_employer_code,
    validate_full_hi_card_number,
    validate_hi_card_lookup,
    validate_hi_card_number,
    validate_legacy_si_code,
    validate_national_id,
    validate_si_code,
    validate_vn_phone,
)

"""Validators for the identifiers a beneficiary is known by.

Personal ID number (CCCD), social insurance code (10 digits, or the CCCD since 1 July
2025), HI card number (Decision 1351/QD-BHXH: 15 characters, or the 10 digits printed on
cards since 2021), employer unit code, bank account and mobile phone number. Every
validator returns the normalised value and raises ``ValidationError`` with a stable
``code``; each can also be used as a Django field validator (called with the value only).
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MALE = "male"
FEMALE = "female"

# Vietnam has kept UTC+7 without daylight saving time since 1975.
_VIETNAM_TZ = datetime.timezone(datetime.timedelta(hours=7))

_DIGITS = re.compile(r"[0-9]*")

# Birth-registration province codes printed in CCCD numbers: the General Statistics
# Office codes of the 63 provinces in force before the 1 July 2025 merger, zero-padded to
# three digits. CCCD numbers issued earlier keep these codes for life.
OLD_PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# HI beneficiary group codes (first two characters of the 15-character card number), as
# listed in Decision 1351/QD-BHXH. Only codes found in that list are included; the
# descriptions are short English summaries, not the legal wording.
HI_BENEFICIARY_GROUPS: dict[str, str] = {
    # Paid by employee and employer.
    "DN": "Employees of enterprises",
    "HX": "Employees of cooperatives",
    "CH": "Employees of state agencies, public service units and other organisations",
    "NN": "Employees of foreign or international organisations in Vietnam",
    "TK": "Employees of other employers",
    "HC": "Cadres, civil servants and public employees",
    "XK": "Part-time commune-level workers",
    # Paid by the social insurance or unemployment insurance fund.
    "HT": "Pensioners and recipients of the monthly work-capacity-loss allowance",
    "TB": "Recipients of the monthly work injury or occupational disease allowance",
    "NO": "Employees on long-term sickness benefit",
    "CT": "Survivor allowance recipients aged 80 or over",
    "XB": "Retired commune officials paid monthly by the social insurance fund",
    "TN": "Recipients of unemployment benefit",
    "CS": "Retired rubber workers receiving a monthly allowance",
    # Paid by the state budget.
    "QN": "Military officers, professional soldiers and conscripts",
    "CA": "People's Public Security officers and conscripts",
    "CY": "Cipher (cryptography) staff",
    "XN": "Retired commune officials paid monthly by the state budget",
    "MS": "Former work-capacity-loss allowance recipients paid monthly by the state budget",
    "CC": "People with meritorious service to the revolution (full coverage)",
    "CK": "Other people with meritorious service to the revolution",
    "CB": "Veterans",
    "KC": "Participants in the resistance wars",
    "HD": "Serving members of the National Assembly and People's Councils",
    "TE": "Children under six",
    "BT": "Recipients of monthly social protection allowances",
    "HN": "Members of poor households",
    "DT": "Ethnic minority people living in disadvantaged areas",
    "DK": "People living in extremely disadvantaged areas",
    "XD": "People living in island communes and districts",
    "TS": "Relatives of martyrs",
    "TC": "Relatives of other people with meritorious service",
    "TQ": "Relatives of military officers and soldiers",
    "TV": "Relatives of other military personnel",
    "TA": "Relatives of People's Public Security officers",
    "TY": "Relatives of cipher staff",
    "HG": "Organ donors",
    "LS": "Foreign students on Vietnamese state scholarships",
    "PV": "Carers of people with meritorious service",
    # Partly supported by the state budget.
    "CN": "Members of near-poor households",
    "HS": "Pupils",
    "SV": "Students",
    "GB": "Farming, forestry, fishery and salt-making households of average income",
    # Household contributions.
    "GD": "Household members",
}

_CENTURY_BY_DIGIT: dict[str, tuple[int, str]] = {
    "0": (1900, MALE),
    "1": (1900, FEMALE),
    "2": (2000, MALE),
    "3": (2000, FEMALE),
    "4": (2100, MALE),
    "5": (2100, FEMALE),
    "6": (2200, MALE),
    "7": (2200, FEMALE),
    "8": (2300, MALE),
    "9": (2300, FEMALE),
}


@dataclass(frozen=True)
class NationalIdInfo:
    """What the first six digits of a personal ID number say."""

    province_code: str
    province_name: str
    gender: str
    century_start: int
    birth_year: int


@dataclass(frozen=True)
class HiCardInfo:
    """The parts of a 15-character HI card number."""

    group: str
    benefit_level: int
    province_code: str
    si_code: str


def _without_spaces(value: str) -> str:
    return "".join(value.split())


def _is_digits(value: str) -> bool:
    """True for ASCII digits only (``str.isdigit`` also accepts other scripts); "" included."""
    return _DIGITS.fullmatch(value) is not None


def _current_year() -> int:
    return datetime.datetime.now(tz=_VIETNAM_TZ).year


def parse_national_id(value: str) -> NationalIdInfo:
    """Check the structure of a 12-digit personal ID number and decode it."""
    number = _without_spaces(value)
    if not _is_digits(number):
        raise ValidationError(
            _("The personal ID number may contain digits only."), code="national_id_digits"
        )
    if len(number) != 12:
        raise ValidationError(
            _("The personal ID number must have exactly 12 digits."), code="national_id_length"
        )
    province_code = number[:3]
    if province_code not in OLD_PROVINCE_CODES:
        raise ValidationError(
            _("The personal ID number does not start with a known province code."),
            code="national_id_province",
        )
    century_start, gender = _CENTURY_BY_DIGIT[number[3]]
    return NationalIdInfo(
        province_code=province_code,
        province_name=OLD_PROVINCE_CODES[province_code],
        gender=gender,
        century_start=century_start,
        birth_year=century_start + int(number[4:6]),
    )


def validate_national_id(
    value: str,
    *,
    date_of_birth: datetime.date | None = None,
    gender: str | None = None,
) -> str:
    """Validate a personal ID number, optionally against a date of birth and gender.

    ``gender`` is "male" or "female"; anything else is a programming error (ValueError).
    Returns the number without spaces.
    """
    if gender is not None and gender not in (MALE, FEMALE):
        raise ValueError(f"gender must be {MALE!r} or {FEMALE!r}, not {gender!r}")
    info = parse_national_id(value)
    current_year = _current_year()
    if info.century_start > current_year:
        raise ValidationError(
            _("The personal ID number refers to a century that has not started yet."),
            code="national_id_century",
        )
    if info.birth_year > current_year:
        raise ValidationError(
            _("The personal ID number refers to a birth year in the future."),
            code="national_id_future_birth_year",
        )
    if date_of_birth is not None and date_of_birth.year != info.birth_year:
        raise ValidationError(
            _(
                "The personal ID number shows birth year %(id_year)s, "
                "but the date of birth is in %(dob_year)s."
            ),
            code="national_id_birth_year",
            params={"id_year": info.birth_year, "dob_year": date_of_birth.year},
        )
    if gender is not None and gender != info.gender:
        raise ValidationError(
            _("The gender does not match the personal ID number."), code="national_id_gender"
        )
    return _without_spaces(value)


def validate_legacy_si_code(value: str) -> str:
    """Validate a 10-digit social insurance code (the code VSS issued before July 2025)."""
    code = _without_spaces(value)
    if not _is_digits(code) or len(code) != 10:
        raise ValidationError(
            _("The social insurance code must have exactly 10 digits."), code="si_code_format"
        )
    return code


def validate_si_code(
    value: str,
    *,
    date_of_birth: datetime.date | None = None,
    gender: str | None = None,
) -> str:
    """Validate a social insurance code as a person writes it; return it without spaces.

    From 1 July 2025 (Law on Social Insurance 2024) a Vietnamese citizen's personal ID
    number (CCCD, 12 digits) is their social insurance code, so both the 10-digit code and
    a 12-digit CCCD are accepted. A CCCD gets the checks of `validate_national_id`: known
    birth-registration province, valid century/gender digit and, when given, agreement
    with the date of birth and gender (its error codes are the ``national_id_*`` ones).
    """
    code = _without_spaces(value)
    if _is_digits(code) and len(code) == 12:
        return validate_national_id(code, date_of_birth=date_of_birth, gender=gender)
    if not _is_digits(code) or len(code) != 10:
        raise ValidationError(
            _(
                "The social insurance code must be the 10-digit code or the 12-digit "
                "personal ID number (CCCD)."
            ),
            code="si_code_format",
        )
    return code


def parse_hi_card_number(value: str) -> HiCardInfo:
    """Decode a 15-character HI card number (group, benefit level, province, SI code)."""
    number = _without_spaces(value).upper()
    if len(number) != 15:
        raise ValidationError(
            _("The HI card number must have exactly 15 characters."),
            code="hi_card_length",
        )
    group, level, province_code, si_code = number[:2], number[2], number[3:5], number[5:]
    if group not in HI_BENEFICIARY_GROUPS:
        raise ValidationError(
            _("The HI card number starts with an unknown beneficiary group."),
            code="hi_card_group",
        )
    if level not in "12345":
        raise ValidationError(
            _("The benefit level on the health insurance card must be a digit from 1 to 5."),
            code="hi_card_benefit_level",
        )
    if not _is_digits(province_code) or province_code == "00":
        raise ValidationError(
            _("The province code on the health insurance card must be from 01 to 99."),
            code="hi_card_province",
        )
    if not _is_digits(si_code):
        raise ValidationError(
            _("The HI card number must end with the 10-digit social insurance code."),
            code="hi_card_si_code",
        )
    return HiCardInfo(
        group=group, benefit_level=int(level), province_code=province_code, si_code=si_code
    )


def validate_full_hi_card_number(value: str) -> str:
    """Validate a 15-character HI card number; return it uppercase without spaces."""
    parse_hi_card_number(value)
    return _without_spaces(value).upper()


def validate_hi_card_number(value: str) -> str:
    """Validate an HI card number as printed; return it uppercase without spaces.

    Cards issued since April 2021 print only a 10-digit number (the holder's social
    insurance code); older cards the 15-character form (group, benefit level, province,
    SI code). Both are accepted.
    """
    number = _without_spaces(value).upper()
    if len(number) == 10 and _is_digits(number):
        return number
    if len(number) != 15:
        raise ValidationError(
            _(
                "The HI card number must be the 10 digits printed on cards "
                "since 2021 or the 15 characters of older cards."
            ),
            code="hi_card_length",
        )
    return validate_full_hi_card_number(number)


def hi_card_si_code(number: str) -> str:
    """The social insurance code in a valid card number: its last 10 characters."""
    return number[-10:]


def validate_hi_card_lookup(value: str) -> str:
    """What an HI card look-up accepts: a CCCD, or the card number in either form.

    Returns the normalised value; its length says which it is (12, 15 or 10).
    """
    number = _without_spaces(value).upper()
    if len(number) == 12 and _is_digits(number):
        return validate_national_id(number)
    if len(number) in (10, 15):
        return validate_hi_card_number(number)
    raise ValidationError(
        _(
            "Enter the 12-digit personal ID number, the 10-digit number on the health "
            "insurance card or the 15-character card number."
        ),
        code="hi_card_lookup_format",
    )


_ENTERPRISE_CODE = re.compile(r"[0-9]{10}(-[0-9]{3})?")
_BUDGET_UNIT_CODE = re.compile(r"[0-9]{7}")


def validate_employer_code(value: str) -> str:
    """Validate an employer unit code; return it without spaces.

    Two forms are accepted:
    - an enterprise code of 10 digits (the enterprise/tax code), optionally followed by
      "-" and 3 digits for a branch, e.g. "0101234567" or "0101234567-001";
    - a budget-unit code of 7 digits (code of a unit with budget relations).
    A branch suffix without the hyphen (13 plain digits) is rejected, so that a mistyped
    number is not silently read as a branch. The tax-code check digit is not verified.
    """
    code = _without_spaces(value)
    if _ENTERPRISE_CODE.fullmatch(code) is None and _BUDGET_UNIT_CODE.fullmatch(code) is None:
        raise ValidationError(
            _(
                "The employer code must be a 10-digit enterprise code (with an optional "
                "-NNN branch suffix) or a 7-digit budget-unit code."
            ),
            code="employer_code_format",
        )
    return code


def validate_bank_account(value: str) -> str:
    """Validate a bank account number of 6 to 19 digits; return it without spaces."""
    account = _without_spaces(value)
    if not _is_digits(account):
        raise ValidationError(
            _("The bank account number may contain digits only."), code="bank_account_digits"
        )
    if not 6 <= len(account) <= 19:
        raise ValidationError(
            _("The bank account number must have 6 to 19 digits."), code="bank_account_length"
        )
    return account


_PHONE_SEPARATORS = str.maketrans("", "", ".-()")
_MOBILE_PREFIX_DIGITS = "35789"


def validate_vn_phone(value: str) -> str:
    """Validate a Vietnamese mobile number; return it in the 0xxxxxxxxx form.

    Accepts 10 digits starting with 0, or +84 followed by 9 digits; spaces, dots, hyphens
    and brackets are ignored. The digit after the 0 must be a mobile prefix (3, 5, 7, 8, 9).
    """
    number = _without_spaces(value).translate(_PHONE_SEPARATORS)
    if number.startswith("+84"):
        number = "0" + number[3:]
    if not _is_digits(number) or len(number) != 10 or not number.startswith("0"):
        raise ValidationError(
            _("Enter a mobile phone number of 10 digits starting with 0, or +84."),
            code="phone_format",
        )
    if number[1] not in _MOBILE_PREFIX_DIGITS:
        raise ValidationError(
            _("This is not a Vietnamese mobile phone number."), code="phone_mobile_prefix"
        )
    return number

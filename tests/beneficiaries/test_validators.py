import datetime
import os

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError

# Under pytest-django the project settings are already set up; standalone, messages only
# need a minimal configuration to be rendered.
if not settings.configured and "DJANGO_SETTINGS_MODULE" not in os.environ:
    settings.configure(USE_I18N=False)

from beneficiaries.validators import (  # noqa: E402
    HI_BENEFICIARY_GROUPS,
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


def error_code(func, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as excinfo:
        func(*args, **kwargs)
    return excinfo.value.code


# Province codes


def test_old_province_codes_has_the_63_provinces():
    assert len(OLD_PROVINCE_CODES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in OLD_PROVINCE_CODES)
    assert len(set(OLD_PROVINCE_CODES.values())) == 63


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("001", "Hà Nội"),
        ("002", "Hà Giang"),
        ("004", "Cao Bằng"),
        ("031", "Hải Phòng"),
        ("046", "Thừa Thiên Huế"),
        ("048", "Đà Nẵng"),
        ("066", "Đắk Lắk"),
        ("079", "Hồ Chí Minh"),
        ("092", "Cần Thơ"),
        ("096", "Cà Mau"),
    ],
)
def test_old_province_codes_known_entries(code, name):
    assert OLD_PROVINCE_CODES[code] == name


@pytest.mark.parametrize("code", ["000", "003", "005", "013", "078", "097", "099"])
def test_old_province_codes_gaps_are_absent(code):
    assert code not in OLD_PROVINCE_CODES


# Personal ID number (CCCD)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("001090012345", NationalIdInfo("001", "Hà Nội", "male", 1900, 1990)),
        ("001190012345", NationalIdInfo("001", "Hà Nội", "female", 1900, 1990)),
        ("079203012345", NationalIdInfo("079", "Hồ Chí Minh", "male", 2000, 2003)),
        ("079303012345", NationalIdInfo("079", "Hồ Chí Minh", "female", 2000, 2003)),
        ("096000000001", NationalIdInfo("096", "Cà Mau", "male", 1900, 1900)),
        (" 048 199 123456 ", NationalIdInfo("048", "Đà Nẵng", "female", 1900, 1999)),
    ],
)
def test_parse_national_id_valid(value, expected):
    assert parse_national_id(value) == expected


@pytest.mark.parametrize(
    ("digit", "century_start", "gender"),
    [
        ("0", 1900, "male"),
        ("1", 1900, "female"),
        ("2", 2000, "male"),
        ("3", 2000, "female"),
        ("4", 2100, "male"),
        ("5", 2100, "female"),
        ("6", 2200, "male"),
        ("7", 2200, "female"),
        ("8", 2300, "male"),
        ("9", 2300, "female"),
    ],
)
def test_parse_national_id_century_and_gender_digit(digit, century_start, gender):
    info = parse_national_id(f"001{digit}45123456")
    assert (info.century_start, info.gender, info.birth_year) == (
        century_start,
        gender,
        century_start + 45,
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("00109001234", "national_id_length"),
        ("0010900123456", "national_id_length"),
        ("", "national_id_length"),
        ("00109001234A", "national_id_digits"),
        ("ABCDEFGHIJKL", "national_id_digits"),
        ("001-090-012345", "national_id_digits"),
        ("٠٠١٠٩٠٠١٢٣٤٥", "national_id_digits"),
        ("003090012345", "national_id_province"),
        ("000090012345", "national_id_province"),
        ("097090012345", "national_id_province"),
    ],
)
def test_parse_national_id_invalid(value, code):
    assert error_code(parse_national_id, value) == code


def test_validate_national_id_returns_normalised_number():
    assert validate_national_id(" 0010 9001 2345 ") == "001090012345"


@pytest.mark.parametrize(
    ("value", "date_of_birth", "gender"),
    [
        ("001090012345", datetime.date(1990, 5, 17), "male"),
        ("079203012345", datetime.date(2003, 1, 1), "male"),
        ("079303012345", datetime.date(2003, 12, 31), "female"),
        ("001090012345", None, "male"),
        ("001090012345", datetime.date(1990, 5, 17), None),
    ],
)
def test_validate_national_id_agrees_with_date_of_birth_and_gender(value, date_of_birth, gender):
    assert validate_national_id(value, date_of_birth=date_of_birth, gender=gender) == value


def test_validate_national_id_rejects_other_birth_year():
    with pytest.raises(ValidationError) as excinfo:
        validate_national_id("001090012345", date_of_birth=datetime.date(1991, 5, 17))
    assert excinfo.value.code == "national_id_birth_year"
    message = excinfo.value.messages[0]
    assert "1990" in message
    assert "1991" in message


@pytest.mark.parametrize(
    ("value", "gender"),
    [("001090012345", "female"), ("079303012345", "male"), ("079203012345", "female")],
)
def test_validate_national_id_rejects_other_gender(value, gender):
    assert error_code(validate_national_id, value, gender=gender) == "national_id_gender"


def test_validate_national_id_rejects_a_century_not_started():
    assert error_code(validate_national_id, "001400012345") == "national_id_century"


def test_validate_national_id_rejects_a_future_birth_year():
    # Birth year 2099 stays in the future for the lifetime of this code base.
    assert error_code(validate_national_id, "001299012345") == "national_id_future_birth_year"


def test_validate_national_id_structure_errors_come_first():
    assert (
        error_code(validate_national_id, "003090012345", date_of_birth=datetime.date(1990, 1, 1))
        == "national_id_province"
    )


def test_validate_national_id_rejects_unknown_gender_argument():
    with pytest.raises(ValueError, match="gender"):
        validate_national_id("001090012345", gender="M")


def test_validate_national_id_works_as_a_form_field_validator():
    from django import forms

    field = forms.CharField(validators=[validate_national_id])
    assert field.clean("001090012345") == "001090012345"
    with pytest.raises(ValidationError) as excinfo:
        field.clean("003090012345")
    assert [error.code for error in excinfo.value.error_list] == ["national_id_province"]


# Social insurance code


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0123456789", "0123456789"), ("79 1234 5678", "7912345678")],
)
def test_validate_si_code_valid(value, expected):
    assert validate_si_code(value) == expected


@pytest.mark.parametrize(
    "value", ["012345678", "01234567890", "", "012345678A", "DN47901234", "0010900123456"]
)
def test_validate_si_code_invalid(value):
    assert error_code(validate_si_code, value) == "si_code_format"


# From 1 July 2025 (Law on Social Insurance 2024) the personal ID number is the SI code.


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("001090012345", "001090012345"),  # Hà Nội, male, born 1990
        ("079 3 05 000111", "079305000111"),  # Hồ Chí Minh City, female, born 2005
    ],
)
def test_validate_si_code_accepts_a_12_digit_personal_id_number(value, expected):
    assert validate_si_code(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("003090012345", "national_id_province"),  # 003 is no province code
        ("000090012345", "national_id_province"),
        ("001490012345", "national_id_century"),  # born in the 2100s
        ("00109001234X", "si_code_format"),
    ],
)
def test_validate_si_code_checks_the_structure_of_a_personal_id_number(value, code):
    with time_machine.travel(datetime.datetime(2026, 12, 3, 10, tzinfo=datetime.UTC), tick=False):
        assert error_code(validate_si_code, value) == code


def test_validate_si_code_refuses_a_personal_id_number_born_in_the_future():
    with time_machine.travel(datetime.datetime(2026, 12, 3, 10, tzinfo=datetime.UTC), tick=False):
        assert error_code(validate_si_code, "001227012345") == "national_id_future_birth_year"
        # Born 2026: accepted in 2026.
        assert validate_si_code("001226012345") == "001226012345"


def test_validate_si_code_as_a_personal_id_number_agrees_with_birth_and_gender():
    born = datetime.date(1990, 5, 17)

    assert validate_si_code("001090012345", date_of_birth=born, gender="male") == "001090012345"
    assert (
        error_code(validate_si_code, "001090012345", date_of_birth=datetime.date(1991, 1, 1))
        == "national_id_birth_year"
    )
    assert error_code(validate_si_code, "001090012345", gender="female") == "national_id_gender"
    # A 10-digit code carries no birth data: nothing to compare.
    assert validate_si_code("0123456789", date_of_birth=born, gender="female") == "0123456789"


def test_the_stored_si_code_column_keeps_the_10_digit_code():
    assert validate_legacy_si_code("0123456789") == "0123456789"
    assert error_code(validate_legacy_si_code, "001090012345") == "si_code_format"


# HI card number


def test_hi_beneficiary_groups_include_the_common_codes():
    required = {
        "DN", "HX", "CH", "NN", "TK", "HC", "XK", "HT", "TB", "NO", "CT", "XB", "TN", "CS",
        "QN", "CA", "CY", "XN", "MS", "CC", "CK", "CB", "KC", "HD", "TE", "BT", "HN", "DT",
        "DK", "XD", "TS", "TC", "TQ", "TA", "TY", "HG", "LS", "PV", "CN", "HS", "SV", "GB",
        "GD",
    }  # fmt: skip
    assert required <= HI_BENEFICIARY_GROUPS.keys()
    assert all(
        len(code) == 2 and code.isalpha() and code.isupper() for code in HI_BENEFICIARY_GROUPS
    )
    assert all(description.strip() for description in HI_BENEFICIARY_GROUPS.values())
    assert "ZZ" not in HI_BENEFICIARY_GROUPS


@pytest.mark.parametrize(
    "value",
    ["DN4790123456789", "dn4790123456789", " DN 4 79 0123456789 ", "Dn4790123456789"],
)
def test_parse_hi_card_number_valid(value):
    assert parse_hi_card_number(value) == HiCardInfo(
        group="DN", benefit_level=4, province_code="79", si_code="0123456789"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("TE1010123456789", HiCardInfo("TE", 1, "01", "0123456789")),
        ("QN5990000000001", HiCardInfo("QN", 5, "99", "0000000001")),
        ("ht3482222222222", HiCardInfo("HT", 3, "48", "2222222222")),
    ],
)
def test_parse_hi_card_number_other_groups(value, expected):
    assert parse_hi_card_number(value) == expected


def test_validate_hi_card_number_normalises():
    assert validate_hi_card_number("dn 4 79 0123456789") == "DN4790123456789"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("DN479012345678", "hi_card_length"),
        ("DN47901234567890", "hi_card_length"),
        ("", "hi_card_length"),
        ("ZZ4790123456789", "hi_card_group"),
        ("124790123456789", "hi_card_group"),
        ("DN0790123456789", "hi_card_benefit_level"),
        ("DN6790123456789", "hi_card_benefit_level"),
        ("DNA790123456789", "hi_card_benefit_level"),
        ("DN4000123456789", "hi_card_province"),
        ("DN4X90123456789", "hi_card_province"),
        ("DN479012345678X", "hi_card_si_code"),
    ],
)
def test_parse_hi_card_number_invalid(value, code):
    assert error_code(parse_hi_card_number, value) == code
    assert error_code(validate_hi_card_number, value) == code


# Cards issued since April 2021 print only the 10-digit SI code.


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0123456789", "0123456789"), ("79 1234 5678", "7912345678")],
)
def test_validate_hi_card_number_accepts_the_10_digit_number(value, expected):
    assert validate_hi_card_number(value) == expected
    assert hi_card_si_code(validate_hi_card_number("DN4790123456789")) == "0123456789"


@pytest.mark.parametrize(
    "value", ["012345678", "01234567890", "012345678A", "DN47901234", "001090012345"]
)
def test_validate_hi_card_number_refuses_other_lengths_and_letters(value):
    assert error_code(validate_hi_card_number, value) == "hi_card_length"


def test_the_stored_card_number_keeps_the_15_character_form():
    assert validate_full_hi_card_number("dn4790123456789") == "DN4790123456789"
    assert error_code(validate_full_hi_card_number, "0123456789") == "hi_card_length"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("001090012345", "001090012345"),
        ("0123456789", "0123456789"),
        ("dn4010123456789", "DN4010123456789"),
    ],
)
def test_validate_hi_card_lookup_accepts_a_cccd_or_either_card_form(value, expected):
    assert validate_hi_card_lookup(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345", "hi_card_lookup_format"),
        ("0123456789012", "hi_card_lookup_format"),
        ("003090012345", "national_id_province"),
        ("ZZ4010123456789", "hi_card_group"),
        ("012345678A", "hi_card_length"),
    ],
)
def test_validate_hi_card_lookup_refuses(value, code):
    assert error_code(validate_hi_card_lookup, value) == code


# Employer unit code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0101234567", "0101234567"),
        ("0101234567-001", "0101234567-001"),
        (" 0312345678 - 002 ", "0312345678-002"),
        ("1234567", "1234567"),
    ],
)
def test_validate_employer_code_valid(value, expected):
    assert validate_employer_code(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "123456",
        "12345678",
        "010123456",
        "01012345678",
        "0101234567001",
        "0101234567-01",
        "0101234567-0001",
        "1234567-001",
        "01012345AB",
        "TA0001A",
    ],
)
def test_validate_employer_code_invalid(value):
    assert error_code(validate_employer_code, value) == "employer_code_format"


# Bank account


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123456", "123456"),
        ("0011004123456", "0011004123456"),
        ("1234 5678 9012 3456 789", "1234567890123456789"),
    ],
)
def test_validate_bank_account_valid(value, expected):
    assert validate_bank_account(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345", "bank_account_length"),
        ("12345678901234567890", "bank_account_length"),
        ("", "bank_account_length"),
        ("12-34-56-78", "bank_account_digits"),
        ("VCB12345678", "bank_account_digits"),
    ],
)
def test_validate_bank_account_invalid(value, code):
    assert error_code(validate_bank_account, value) == code


# Mobile phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0312345678", "0312345678"),
        ("0587654321", "0587654321"),
        ("0701234567", "0701234567"),
        ("0861234567", "0861234567"),
        ("+84912345678", "0912345678"),
        ("+84 91 234 5678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("(091) 234-5678", "0912345678"),
    ],
)
def test_validate_vn_phone_valid(value, expected):
    assert validate_vn_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("091234567", "phone_format"),
        ("09123456789", "phone_format"),
        ("", "phone_format"),
        ("912345678", "phone_format"),
        ("84912345678", "phone_format"),
        ("+8491234567", "phone_format"),
        ("+840912345678", "phone_format"),
        ("+1 912345678", "phone_format"),
        ("09123A5678", "phone_format"),
        ("0212345678", "phone_mobile_prefix"),
        ("0112345678", "phone_mobile_prefix"),
        ("0612345678", "phone_mobile_prefix"),
        ("+84212345678", "phone_mobile_prefix"),
    ],
)
def test_validate_vn_phone_invalid(value, code):
    assert error_code(validate_vn_phone, value) == code

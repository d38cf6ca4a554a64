import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.constants import Role
from tests.factories import UserFactory

from .factories import (
    EmployerFactory,
    EmploymentFactory,
    HealthFacilityFactory,
    HiCardFactory,
    PaymentMethodFactory,
    PersonFactory,
)

PARENT_ID = "001090012345"


def pdf_upload(name="giay-chung-sinh.pdf") -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


@pytest.fixture
def facility(db):
    return HealthFacilityFactory(code="01001", name="Bệnh viện Nhi Trung ương", province_code=1)


@pytest.fixture
def parent(db):
    """The demo citizen: an account and the registry person with the same CCCD."""
    return UserFactory(
        citizen=True,
        national_id=PARENT_ID,
        username=f"cd{PARENT_ID}",
        full_name="Nguyễn Văn An",
        date_of_birth=dt.date(1990, 5, 12),
        phone="0912345678",
        email="an@example.vn",
    )


@pytest.fixture
def parent_person(db):
    person = PersonFactory(
        national_id=PARENT_ID,
        si_code="0190012345",
        full_name="Nguyễn Văn An",
        date_of_birth=dt.date(1990, 5, 12),
        gender="male",
        current_province_code=1,
        current_commune_code=70,
        current_street="Số 12 Tràng Tiền",
        phone="0912345678",
        email="an.registry@example.vn",
    )
    HiCardFactory(person=person, facility_code="01001", facility_name="Bệnh viện Bạch Mai")
    EmploymentFactory(
        person=person, employer=EmployerFactory(unit_code="0101234567", name="Công ty Sao Mai")
    )
    PaymentMethodFactory(person=person, bank_account="0011223344556")
    return person


@pytest.fixture
def staff_hn(offices):
    return {
        "counter": UserFactory(username="counter-hn", role=Role.COUNTER_OFFICER, office=offices[1]),
        "officer": UserFactory(
            username="officer-hn", role=Role.PROCESSING_OFFICER, office=offices[1]
        ),
        "leader": UserFactory(username="leader-hn", role=Role.OFFICE_LEADER, office=offices[1]),
    }


def birth_declaration(**overrides) -> dict:
    values = {
        "applicant_full_name": "Nguyễn Văn An",
        "applicant_national_id": PARENT_ID,
        "applicant_date_of_birth": "1990-05-12",
        "applicant_phone": "0912345678",
        "applicant_email": "an@example.vn",
        "relationship": "father",
        "child_full_name": "Nguyễn Minh Khôi",
        "child_date_of_birth": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
        "child_gender": "male",
        "other_parent_full_name": "Trần Thị Hoa",
        "other_parent_national_id": "",
        "province_code": 1,
        "commune_code": 70,
        "street": "Số 12 Tràng Tiền",
        "residence_address": "Số 12 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội",
        "home_not_owned": False,
        "facility_code": "01001",
        "facility_label": "01001 - Bệnh viện Nhi Trung ương",
        "return_method": "electronic",
    }
    values.update(overrides)
    return values


def death_declaration(**overrides) -> dict:
    values = {
        "applicant_full_name": "Nguyễn Văn An",
        "applicant_national_id": PARENT_ID,
        "applicant_date_of_birth": "1990-05-12",
        "applicant_phone": "0912345678",
        "applicant_email": "an@example.vn",
        "applicant_address": "Số 12 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội",
        "deceased_full_name": "Nguyễn Văn Bình",
        "deceased_national_id": "001055000111",
        "deceased_si_code": "",
        "date_of_death": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "deceased_status": "pensioner",
        "relationship": "child",
        "province_code": 1,
        "commune_code": 70,
        "street": "Số 12 Tràng Tiền",
        "residence_address": "Số 12 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội",
        "payment_method": "bank",
        "bank_account": "0011223344556",
        "bank_name": "Vietcombank Hà Nội",
        "cause_of_death": "other",
        "number_of_beneficiaries": 1,
        "beneficiaries_details": "Trần Thị Cúc, vợ, sinh năm 1957",
        "return_method": "electronic",
    }
    values.update(overrides)
    return values

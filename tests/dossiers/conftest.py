import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.constants import Role
from tests.factories import UserFactory


def png_file(name="photo.png", size=(40, 30)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 220, 240)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_file(name="scan.pdf", pages=1) -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


@pytest.fixture
def citizen(db):
    return UserFactory(
        citizen=True,
        national_id="001090012345",
        username="cd001090012345",
        full_name="Nguyễn Văn An",
        phone="0912345678",
        email="an@example.vn",
    )


@pytest.fixture
def counter_hn(offices):
    return UserFactory(
        username="counter-hn",
        role=Role.COUNTER_OFFICER,
        office=offices[1],
        full_name="Trần Thị Bình",
    )


@pytest.fixture
def counter_hcm(offices):
    return UserFactory(
        username="counter-hcm",
        role=Role.COUNTER_OFFICER,
        office=offices[79],
        full_name="Lê Văn Cường",
    )


SICKNESS_STEP2 = {
    "sickness_reason": None,  # filled from the catalogue's first choice by helpers
    "treatment_type": None,
    "leave_start_date": "2026-11-16",
    "leave_end_date": "2026-11-20",
    "treatment_facility": "Bệnh viện Bạch Mai",
}


def first_choice(version, name):
    field = next(f for f in version.field_definitions() if f["name"] == name)
    return field["choices"][0]["value"]


def complete_values(version, overrides=None) -> dict:
    """Valid values for every required field of a version (dates, choices, identifiers)."""
    samples = {
        "text": "Thông tin mẫu",
        "textarea": "Nội dung mẫu",
        "date": "2026-11-16",
        "money": 1000000,
        "integer": 1,
        "cccd": "001090012345",
        "si_code": "0123456789",
        "hi_card": "DN4010123456789",
        "bank_account": "0123456789012",
        "phone": "0912345678",
        "email": "an@example.vn",
    }
    values = {}
    for field in version.field_definitions():
        if not field.get("required"):
            continue
        if field["type"] == "choice":
            values[field["name"]] = field["choices"][0]["value"]
        else:
            values[field["name"]] = samples[field["type"]]
    values.update(overrides or {})
    return values


def complete_sickness_draft(catalogue, citizen):
    """A sickness-benefit draft of `citizen`, every field filled and its certificate uploaded:
    ready to submit (the races on dossier codes submit many at once)."""
    from dossiers.constants import Channel
    from dossiers.services import dossier_document_add, dossier_draft_create, dossier_draft_save

    dossier = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=citizen,
        channel=Channel.ONLINE,
        applicant=citizen,
    )
    dossier = dossier_draft_save(
        dossier=dossier,
        actor=citizen,
        values=complete_values(dossier.version),
        next_step=4,
        province_code=1,
    )
    component = dossier.version.components.get(code="medical_leave_certificate")
    dossier_document_add(dossier=dossier, component=component, uploaded=png_file(), actor=citizen)
    return dossier

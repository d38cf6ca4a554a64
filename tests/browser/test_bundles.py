"""A parent files the birth bundle and follows it until the child's HI card is on the tracker.

The civil status and residence services are the local simulation (SimulatedAgencies); Celery
runs eagerly, so the birth record arrives while the declaration is being filed. The VSS
officers' steps are taken through the services, as test_workflow.py covers their pages.
Interface strings are looked up through Django's translation of their English source.
"""

import datetime as dt
import io
import re

from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.constants import Role
from beneficiaries.bundles.constants import BundleDocumentKind, BundleProcedure, PartStatus
from beneficiaries.bundles.models import Bundle
from beneficiaries.constants import CardStatus
from beneficiaries.models import HiCard
from beneficiaries.tasks import registry_apply_result_task
from dossiers.constants import DossierState
from dossiers.services import (
    dossier_accept,
    dossier_assign,
    dossier_decide,
    dossier_send_to_appraisal,
)
from tests.beneficiaries.factories import (
    EmployerFactory,
    EmploymentFactory,
    HealthFacilityFactory,
    HiCardFactory,
    PersonFactory,
)
from tests.factories import PASSWORD, UserFactory


def _vi(text: str) -> str:
    """An interface string as the Vietnamese page shows it."""
    with translation.override("vi"):
        return translation.gettext(text)


def _label(value) -> str:
    """A lazily translated label (choices) as the Vietnamese page shows it."""
    with translation.override("vi"):
        return str(value)


def _field(page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_parent_files_birth_bundle_and_sees_the_childs_card(page, login, catalogue, offices):
    parent = UserFactory(
        citizen=True,
        national_id="001090012345",
        username="cd001090012345",
        full_name="Nguyễn Văn An",
        date_of_birth=dt.date(1990, 5, 12),
        phone="0912345678",
        email="an@example.vn",
    )
    person = PersonFactory(
        national_id="001090012345",
        si_code="0190012345",
        full_name="Nguyễn Văn An",
        current_province_code=1,
        current_commune_code=70,
        current_street="Số 12 Tràng Tiền",
    )
    HiCardFactory(person=person)
    EmploymentFactory(person=person, employer=EmployerFactory(name="Công ty Sao Mai"))
    HealthFacilityFactory(code="01001", name="Bệnh viện Nhi Trung ương", province_code=1)
    born = timezone.localdate() - dt.timedelta(days=8)

    login(parent.national_id, PASSWORD)
    expect(page.get_by_test_id("landing-heading")).to_be_visible()
    page.goto("/registry/")
    page.get_by_test_id("start-birth").click()

    # What VSS knows is shown, not asked; the address comes from the registry.
    known = page.get_by_test_id("known-fields")
    expect(known).to_contain_text("Nguyễn Văn An")
    expect(known).to_contain_text("001090012345")
    expect(_field(page, _vi("Address of the child's permanent residence"))).to_have_value(
        "Số 12 Tràng Tiền"
    )
    expect(_field(page, _vi("Commune or ward"))).to_have_value("70")

    _field(page, _vi("You are the child's")).select_option("father")
    _field(page, _vi("Child's full name")).fill("Nguyễn Minh Khôi")
    _field(page, _vi("Child's date of birth")).fill(born.isoformat())
    _field(page, _vi("Child's gender")).select_option("male")
    _field(page, _vi("Other parent's full name")).fill("Trần Thị Hoa")
    _field(page, _vi("Child's initial health-care facility")).select_option("01001")
    _field(page, _vi("How you receive the HI card result")).select_option("electronic")
    certificate = _field(page, _label(BundleDocumentKind.MEDICAL_BIRTH_CERTIFICATE.label))
    certificate.set_input_files(
        files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": _pdf()}]
    )
    page.get_by_test_id("file-bundle").click()

    # The tracker: the birth is registered (simulated), residence and the card dossier follow.
    expect(page).to_have_url(re.compile(r"/registry/bundles/[0-9a-f-]{36}/$"))
    bundle = Bundle.objects.get(applicant=parent)
    birth = page.get_by_test_id(f"part-{BundleProcedure.BIRTH_REGISTRATION}")
    expect(birth.get_by_test_id("part-status")).to_have_text(_label(PartStatus.COMPLETED.label))
    residence = page.get_by_test_id(f"part-{BundleProcedure.PERMANENT_RESIDENCE}")
    expect(residence.get_by_test_id("part-status")).to_have_text(_label(PartStatus.COMPLETED.label))
    card_part = page.get_by_test_id(f"part-{BundleProcedure.HI_CARD_CHILD}")
    expect(card_part.get_by_test_id("part-status")).to_have_text(_label(PartStatus.FILED.label))
    dossier = bundle.parts.get(procedure=BundleProcedure.HI_CARD_CHILD).dossier
    expect(card_part.get_by_test_id("dossier-code")).to_have_text(dossier.code)
    expect(card_part.get_by_test_id("dossier-state")).to_contain_text(
        _label(DossierState.SUBMITTED.label)
    )
    expect(page.get_by_test_id("child-card")).to_have_count(0)
    child_id = bundle.parts.get(procedure=BundleProcedure.BIRTH_REGISTRATION).record[
        "child_national_id"
    ]
    expect(page.get_by_test_id("subject-id")).to_have_text(child_id)

    # VSS processes the card dossier (approved without a leader signature) ...
    counter = UserFactory(username="counter-hn", role=Role.COUNTER_OFFICER, office=offices[1])
    officer = UserFactory(username="officer-hn", role=Role.PROCESSING_OFFICER, office=offices[1])
    leader = UserFactory(username="leader-hn", role=Role.OFFICE_LEADER, office=offices[1])
    dossier = dossier_accept(dossier=dossier, officer=counter)
    dossier = dossier_assign(dossier=dossier, leader=leader, officer=officer)
    dossier = dossier_send_to_appraisal(dossier=dossier, officer=officer)
    dossier = dossier_decide(
        dossier=dossier, officer=officer, outcome="approved", decision_text="Cấp thẻ BHYT."
    )
    assert dossier.state == DossierState.PROCESSED
    # ... and the registry is updated, as the workflow schedules on commit of the decision.
    registry_apply_result_task.delay(dossier.pk)

    page.reload()
    card = HiCard.objects.get(person__national_id=child_id, status=CardStatus.ACTIVE)
    child_card = page.get_by_test_id("child-card")
    expect(child_card).to_be_visible()
    expect(child_card.get_by_test_id("card-number")).to_have_text(card.number)
    expect(child_card).to_contain_text("Bệnh viện Nhi Trung ương")
    assert card.number.startswith("TE101")
    expect(card_part.get_by_test_id("dossier-state")).to_contain_text(
        _label(DossierState.PROCESSED.label)
    )
    with translation.override("vi"):
        expect(page.get_by_test_id("bundle-status")).to_have_text(translation.gettext("Finished"))

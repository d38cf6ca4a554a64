"""Interconnected bundles: birth -> card end to end, missing documents, refusals, sweep."""

import datetime as dt

import pytest
from django.utils import timezone
from pypdf import PdfReader

from beneficiaries.adapters import SimulatedAgencies
from beneficiaries.bundles.constants import (
    Agency,
    BundleDocumentKind,
    BundleKind,
    BundleProcedure,
    PartStatus,
)
from beneficiaries.bundles.models import Bundle, BundlePart
from beneficiaries.bundles.selectors import bundle_tracker
from beneficiaries.bundles.services import (
    BundleError,
    BundleNotAllowed,
    Upload,
    bundle_document_add,
    bundle_file,
    bundles_sweep,
)
from beneficiaries.constants import CardStatus, RelationKind
from beneficiaries.models import FamilyRelation, HiCard, Person
from beneficiaries.tasks import registry_apply_result_task
from beneficiaries.validators import validate_hi_card_number, validate_national_id
from dossiers.constants import Channel, DossierState, EventKind, Outcome
from dossiers.models import Dossier
from dossiers.services import (
    dossier_accept,
    dossier_assign,
    dossier_decide,
    dossier_send_to_appraisal,
)
from tests.factories import UserFactory
from workdays.services import add_working_days

from .conftest import birth_declaration, death_declaration, pdf_upload

pytestmark = pytest.mark.django_db


def _parts(bundle) -> dict[str, BundlePart]:
    return {p.procedure: p for p in BundlePart.objects.filter(bundle=bundle)}


def _file_birth(parent, run, *, uploads=True, **overrides):
    with run(execute=True):
        return bundle_file(
            kind=BundleKind.BIRTH,
            applicant=parent,
            declaration=birth_declaration(**overrides),
            procedures=[BundleProcedure.PERMANENT_RESIDENCE, BundleProcedure.HI_CARD_CHILD],
            uploads=[Upload(BundleDocumentKind.MEDICAL_BIRTH_CERTIFICATE, pdf_upload())]
            if uploads
            else [],
        )


def _process(dossier, staff):
    dossier = dossier_accept(dossier=dossier, officer=staff["counter"])
    dossier = dossier_assign(dossier=dossier, leader=staff["leader"], officer=staff["officer"])
    dossier = dossier_send_to_appraisal(dossier=dossier, officer=staff["officer"])
    return dossier_decide(
        dossier=dossier,
        officer=staff["officer"],
        outcome=Outcome.APPROVED,
        decision_text="Cấp thẻ BHYT cho trẻ dưới 6 tuổi.",
    )


def test_birth_bundle_end_to_end_birth_record_triggers_card(
    catalogue,
    offices,
    parent,
    parent_person,
    facility,
    staff_hn,
    django_capture_on_commit_callbacks,
):
    bundle = _file_birth(parent, django_capture_on_commit_callbacks)

    parts = _parts(bundle)
    assert [p.agency for p in sorted(parts.values(), key=lambda p: p.position)] == [
        Agency.JUSTICE,
        Agency.POLICE,
        Agency.VSS,
    ]
    # The simulated civil status service registered the birth and gave the child an ID.
    birth = parts[BundleProcedure.BIRTH_REGISTRATION]
    assert birth.status == PartStatus.COMPLETED
    assert birth.agency_reference.startswith("SIM-TP-")
    child_id = birth.record["child_national_id"]
    born = dt.date.fromisoformat(birth_declaration()["child_date_of_birth"])
    assert validate_national_id(child_id, date_of_birth=born, gender="male") == child_id
    # The birth record started residence (police) and the HI card dossier (VSS).
    assert parts[BundleProcedure.PERMANENT_RESIDENCE].status == PartStatus.COMPLETED
    assert parts[BundleProcedure.PERMANENT_RESIDENCE].record["person_national_id"] == child_id
    card_part = parts[BundleProcedure.HI_CARD_CHILD]
    assert card_part.status == PartStatus.FILED
    dossier = card_part.dossier
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.channel == Channel.ONLINE
    assert dossier.applicant == parent
    assert dossier.procedure.slug == "hi-card-child-under-6"
    assert dossier.data["child_national_id"] == child_id
    assert dossier.competent_office == offices[1]
    # Within the 2-working-day target of the version.
    assert dossier.due_at == add_working_days(dossier.submitted_at, 2)
    codes = set(dossier.documents.values_list("component__code", flat=True))
    assert codes == {"interconnected_eform", "birth_medical_certificate"}
    # The registry knows the child, as the parent's child.
    child = Person.objects.get(national_id=child_id)
    assert Bundle.objects.get(pk=bundle.pk).subject_person == child
    assert FamilyRelation.objects.filter(
        person=child, relative=parent_person, kind=RelationKind.PARENT
    ).exists()
    assert FamilyRelation.objects.filter(
        person=parent_person, relative=child, kind=RelationKind.CHILD
    ).exists()

    tracker = bundle_tracker(bundle=Bundle.objects.get(pk=bundle.pk))
    assert tracker.card is None
    assert tracker.is_open

    dossier = _process(dossier, staff_hn)
    assert dossier.state == DossierState.PROCESSED
    # What dossiers/services/workflow.py schedules on commit of the decision.
    with django_capture_on_commit_callbacks(execute=True):
        assert registry_apply_result_task.delay(dossier.pk).get() is True

    card = HiCard.objects.get(person=child, status=CardStatus.ACTIVE)
    assert card.number == validate_hi_card_number(card.number)
    assert card.number.startswith("TE101")
    assert card.number[5:] == Person.objects.get(pk=child.pk).si_code
    assert card.valid_from == born
    assert card.facility_code == "01001"
    assert card.source_dossier_id == dossier.pk
    tracker = bundle_tracker(bundle=Bundle.objects.get(pk=bundle.pk))
    assert tracker.card == card
    assert not tracker.is_open


def test_missing_birth_certificate_waits_then_moves_on_when_supplied(
    catalogue, offices, parent, parent_person, facility, django_capture_on_commit_callbacks
):
    bundle = _file_birth(parent, django_capture_on_commit_callbacks, uploads=False)
    parts = _parts(bundle)
    birth = parts[BundleProcedure.BIRTH_REGISTRATION]
    assert birth.status == PartStatus.AWAITING_DOCUMENTS
    assert birth.missing_documents == [BundleDocumentKind.MEDICAL_BIRTH_CERTIFICATE]
    assert birth.documents_due_at == add_working_days(bundle.filed_at, 7)
    assert parts[BundleProcedure.PERMANENT_RESIDENCE].status == PartStatus.WAITING
    assert parts[BundleProcedure.HI_CARD_CHILD].status == PartStatus.AWAITING_DOCUMENTS
    assert not Dossier.objects.filter(applicant=parent).exists()

    with django_capture_on_commit_callbacks(execute=True):
        bundle_document_add(
            bundle=bundle,
            kind=BundleDocumentKind.MEDICAL_BIRTH_CERTIFICATE,
            uploaded=pdf_upload(),
            actor=parent,
        )
    parts = _parts(bundle)
    assert parts[BundleProcedure.BIRTH_REGISTRATION].status == PartStatus.COMPLETED
    assert parts[BundleProcedure.HI_CARD_CHILD].status == PartStatus.FILED
    assert parts[BundleProcedure.HI_CARD_CHILD].dossier.state == DossierState.SUBMITTED


def test_documents_missing_after_seven_working_days_refuse_the_part_with_the_slip(
    catalogue, offices, parent, parent_person, facility, django_capture_on_commit_callbacks
):
    bundle = _file_birth(parent, django_capture_on_commit_callbacks, uploads=False)
    due = add_working_days(bundle.filed_at, 7)

    assert bundles_sweep(now=due - dt.timedelta(minutes=1))["refused"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        counts = bundles_sweep(now=due)
    assert counts["refused"] == 1
    parts = _parts(bundle)
    birth = parts[BundleProcedure.BIRTH_REGISTRATION]
    assert birth.status == PartStatus.REFUSED
    assert "Giấy chứng sinh" in birth.refusal_reason
    assert birth.refusal_slip.name
    with birth.refusal_slip.open("rb") as handle:
        text = " ".join(
            " ".join(page.extract_text() or "" for page in PdfReader(handle).pages).split()
        )
    assert "TỪ CHỐI TIẾP NHẬN" in text
    assert str(bundle.reference) in text
    assert "Đăng ký khai sinh" in text
    assert "Giấy chứng sinh" in text
    # Nothing can follow a refused birth registration.
    assert parts[BundleProcedure.PERMANENT_RESIDENCE].status == PartStatus.CANCELLED
    assert parts[BundleProcedure.HI_CARD_CHILD].status == PartStatus.CANCELLED
    assert not parts[BundleProcedure.HI_CARD_CHILD].refusal_slip
    # A second sweep refuses nothing twice; a late document is no longer accepted.
    with django_capture_on_commit_callbacks(execute=True):
        assert bundles_sweep(now=due + dt.timedelta(days=1))["refused"] == 0
    with pytest.raises(BundleError):
        bundle_document_add(
            bundle=bundle,
            kind=BundleDocumentKind.MEDICAL_BIRTH_CERTIFICATE,
            uploaded=pdf_upload(),
            actor=parent,
        )


def test_a_refused_hand_off_keeps_its_own_status(
    catalogue,
    offices,
    parent,
    parent_person,
    facility,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.AGENCY_ADAPTER = "tests.beneficiaries.test_bundles.PoliceRefuses"
    bundle = _file_birth(parent, django_capture_on_commit_callbacks)
    parts = _parts(bundle)
    assert parts[BundleProcedure.PERMANENT_RESIDENCE].status == PartStatus.REFUSED
    assert parts[BundleProcedure.PERMANENT_RESIDENCE].refusal_reason == PoliceRefuses.REASON
    assert parts[BundleProcedure.BIRTH_REGISTRATION].status == PartStatus.COMPLETED
    assert parts[BundleProcedure.HI_CARD_CHILD].status == PartStatus.FILED


class PoliceRefuses(SimulatedAgencies):
    REASON = "Chỗ ở không đủ điều kiện đăng ký thường trú."
    refusals = {BundleProcedure.PERMANENT_RESIDENCE: REASON}


def test_residence_consent_is_needed_only_when_the_home_is_not_the_parents(
    catalogue, offices, parent, parent_person, facility, django_capture_on_commit_callbacks
):
    bundle = _file_birth(parent, django_capture_on_commit_callbacks, home_not_owned=True)
    parts = _parts(bundle)
    residence = parts[BundleProcedure.PERMANENT_RESIDENCE]
    assert residence.status == PartStatus.AWAITING_DOCUMENTS
    assert residence.missing_documents == [BundleDocumentKind.RESIDENCE_CONSENT]
    assert parts[BundleProcedure.HI_CARD_CHILD].status == PartStatus.FILED

    # Still missing after 7 working days: only that part is refused, with its slip.
    with django_capture_on_commit_callbacks(execute=True):
        assert bundles_sweep(now=residence.documents_due_at)["refused"] == 1
    parts = _parts(bundle)
    residence = parts[BundleProcedure.PERMANENT_RESIDENCE]
    assert residence.status == PartStatus.REFUSED
    assert residence.refusal_slip.name
    assert residence.refusal_slip_sha256
    assert parts[BundleProcedure.BIRTH_REGISTRATION].status == PartStatus.COMPLETED
    assert parts[BundleProcedure.HI_CARD_CHILD].status == PartStatus.FILED


def test_death_bundle_files_funeral_and_survivor_and_records_the_death(
    catalogue, offices, parent, parent_person, facility, django_capture_on_commit_callbacks
):
    deceased = Person.objects.create(
        national_id="001055000111",
        full_name="Nguyễn Văn Bình",
        date_of_birth=dt.date(1955, 2, 1),
        gender="male",
    )
    with django_capture_on_commit_callbacks(execute=True):
        bundle = bundle_file(
            kind=BundleKind.DEATH,
            applicant=parent,
            declaration=death_declaration(),
            procedures=[
                BundleProcedure.RESIDENCE_REMOVAL,
                BundleProcedure.FUNERAL_ALLOWANCE,
                BundleProcedure.SURVIVOR_ALLOWANCE,
            ],
            uploads=[Upload(BundleDocumentKind.DEATH_NOTICE, pdf_upload("giay-bao-tu.pdf"))],
        )
    parts = _parts(bundle)
    assert parts[BundleProcedure.DEATH_REGISTRATION].status == PartStatus.COMPLETED
    assert parts[BundleProcedure.RESIDENCE_REMOVAL].status == PartStatus.COMPLETED
    funeral = parts[BundleProcedure.FUNERAL_ALLOWANCE].dossier
    survivor = parts[BundleProcedure.SURVIVOR_ALLOWANCE].dossier
    assert funeral.procedure.slug == "funeral-allowance"
    assert survivor.procedure.slug == "monthly-survivor-allowance"
    assert {funeral.state, survivor.state} == {DossierState.SUBMITTED}
    assert funeral.data["deceased_national_id"] == "001055000111"
    deceased.refresh_from_db()
    assert deceased.date_of_death == dt.date.fromisoformat(death_declaration()["date_of_death"])


def test_filing_is_idempotent_and_checks_choices(
    catalogue, offices, parent, parent_person, facility, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = bundle_file(
            kind=BundleKind.BIRTH,
            applicant=parent,
            declaration=birth_declaration(),
            procedures=[BundleProcedure.HI_CARD_CHILD],
            uploads=[Upload(BundleDocumentKind.MEDICAL_BIRTH_CERTIFICATE, pdf_upload())],
            submission_key="same-key",
        )
        again = bundle_file(
            kind=BundleKind.BIRTH,
            applicant=parent,
            declaration=birth_declaration(),
            procedures=[BundleProcedure.HI_CARD_CHILD],
            submission_key="same-key",
        )
    assert again.pk == first.pk
    assert Dossier.objects.filter(applicant=parent).count() == 1
    with pytest.raises(BundleError):
        bundle_file(
            kind=BundleKind.BIRTH,
            applicant=parent,
            declaration=birth_declaration(),
            procedures=[],
        )
    with pytest.raises(BundleError):
        bundle_file(
            kind=BundleKind.BIRTH,
            applicant=parent,
            declaration=birth_declaration(),
            procedures=[BundleProcedure.FUNERAL_ALLOWANCE],
        )
    stranger = UserFactory(citizen=True)
    with pytest.raises(BundleNotAllowed):
        bundle_document_add(
            bundle=first,
            kind=BundleDocumentKind.MARRIAGE_CERTIFICATE,
            uploaded=pdf_upload(),
            actor=stranger,
        )


def test_sweep_applies_results_the_on_commit_hook_missed(
    catalogue,
    offices,
    parent,
    parent_person,
    facility,
    staff_hn,
    django_capture_on_commit_callbacks,
):
    bundle = _file_birth(parent, django_capture_on_commit_callbacks)
    dossier = _process(_parts(bundle)[BundleProcedure.HI_CARD_CHILD].dossier, staff_hn)
    child = Bundle.objects.get(pk=bundle.pk).subject_person
    assert not HiCard.objects.filter(person=child).exists()
    assert bundles_sweep(now=timezone.now())["applied"] == 1
    assert HiCard.objects.filter(person=child, status=CardStatus.ACTIVE).count() == 1
    assert bundles_sweep(now=timezone.now())["applied"] == 0
    assert dossier.events.filter(kind=EventKind.TRANSITION).exists()

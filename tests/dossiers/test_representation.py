"""Filing for another person (ủy quyền, issue #18): for a child in the registry as parent or
guardian, for an adult under a letter of authorisation; the principal sees the dossier and
is told of each step; the counter records a representative."""

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from accounts.constants import Role
from beneficiaries.services import family_relation_add
from dossiers.constants import Channel, Representation
from dossiers.models import Dossier
from dossiers.services import dossier_document_add, dossier_draft_save, dossier_submit
from notifications.models import Notification
from tests.beneficiaries.factories import PersonFactory
from tests.dossiers.conftest import complete_values, pdf_file, png_file
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHILD_ID = "001220012345"  # born 2022, male
ADULT_ID = "001190054321"  # born 1990, female


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def parent(citizen):
    child = PersonFactory(
        national_id=CHILD_ID, full_name="Nguyễn Minh Khang", date_of_birth=dt.date(2022, 3, 4)
    )
    me = PersonFactory(national_id=citizen.national_id, full_name=citizen.full_name)
    family_relation_add(person=me, relative=child, kind="child")
    return citizen


def test_a_parent_files_for_their_child_in_the_registry(client, catalogue, parent):
    client.force_login(parent)
    page = client.get("/dossiers/new/sickness-benefit/").content.decode()
    assert "Nguyễn Minh Khang (04/03/2022)" in page

    response = client.post(
        "/dossiers/new/sickness-benefit/", {"for_whom": "guardian", "child": CHILD_ID}
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.representation, dossier.applicant_national_id, dossier.applicant_name) == (
        Representation.GUARDIAN,
        CHILD_ID,
        "Nguyễn Minh Khang",
    )
    assert (dossier.applicant_id, dossier.representative_national_id) == (
        parent.pk,
        parent.national_id,
    )
    assert dossier.principal is None  # the child has no account
    step = client.get(response["Location"]).content.decode()
    assert 'data-testid="filing-for"' in step


def test_only_a_child_of_the_registry_can_be_chosen(client, catalogue, citizen):
    client.force_login(citizen)  # no children in the registry
    page = client.get("/dossiers/new/sickness-benefit/").content.decode()
    assert 'value="guardian"' not in page
    refused = client.post(
        "/dossiers/new/sickness-benefit/", {"for_whom": "guardian", "child": CHILD_ID}
    )
    assert refused.status_code == 400
    assert not Dossier.objects.exists()


def test_an_authorised_adult_files_and_the_principal_follows_it(
    client, catalogue, citizen, django_capture_on_commit_callbacks
):
    principal = UserFactory(
        citizen=True, username="principal", national_id=ADULT_ID, full_name="Lê Văn Chủ"
    )
    client.force_login(citizen)
    missing = client.post(
        "/dossiers/new/sickness-benefit/",
        {"for_whom": "authorisation", "principal_national_id": ADULT_ID},
    )
    assert missing.status_code == 400
    with translation.override("vi"):
        message = translation.gettext("Upload the letter of authorisation.")
    assert message in missing.content.decode()

    response = client.post(
        "/dossiers/new/sickness-benefit/",
        {
            "for_whom": "authorisation",
            "principal_national_id": ADULT_ID,
            "principal_name": "Lê Văn Chủ",
            "scope": "Nộp hồ sơ và nhận kết quả hưởng ốm đau",
            "letter": pdf_file("giay-uy-quyen.pdf"),
        },
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.principal_id == principal.pk
    letter = dossier.documents.get()
    assert (letter.component_id, letter.original_name) == (None, "giay-uy-quyen.pdf")

    dossier = dossier_draft_save(
        dossier=dossier,
        actor=citizen,
        values=complete_values(dossier.version),
        next_step=4,
        province_code=1,
        address="12 Tràng Tiền, Hà Nội",
    )
    dossier_document_add(
        dossier=dossier,
        component=dossier.version.components.get(code="medical_leave_certificate"),
        uploaded=png_file(),
        actor=citizen,
    )
    with django_capture_on_commit_callbacks(execute=True):
        dossier_submit(dossier=dossier, actor=citizen)

    # The principal sees it in their own account and was told of the submission.
    client.force_login(principal)
    mine = client.get("/dossiers/").content.decode()
    assert Dossier.objects.get().code in mine
    detail = client.get(f"/dossiers/d/{dossier.reference}/").content.decode()
    assert "Nộp hồ sơ và nhận kết quả hưởng ốm đau" in detail
    assert 'data-testid="authorisation-letter"' in detail
    assert Notification.objects.filter(
        recipient=principal, audience="principal", channel="inbox"
    ).exists()
    # The representative's own inbox too.
    assert Notification.objects.filter(recipient=citizen, channel="inbox").exists()


def test_the_counter_records_a_representative(client, catalogue, offices):
    officer = UserFactory(username="rep-counter", role=Role.COUNTER_OFFICER, office=offices[1])
    client.force_login(officer)
    form = {
        "procedure": catalogue["sickness-benefit"].pk,
        "national_id": ADULT_ID,
        "full_name": "Lê Văn Chủ",
        "gender": "female",
        "province": 1,
        "representation": "authorisation",
        "representative_name": "Trần Thị Đại Diện",
    }
    incomplete = client.post("/dossiers/counter/", form)
    assert incomplete.status_code == 200
    assert not Dossier.objects.exists()
    response = client.post(
        "/dossiers/counter/", {**form, "representative_national_id": "001190012346"}
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert (dossier.channel, dossier.representation, dossier.representative_name) == (
        Channel.COUNTER,
        Representation.AUTHORISATION,
        "Trần Thị Đại Diện",
    )

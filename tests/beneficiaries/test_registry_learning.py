"""Once-only: the registry learns the people met at the counter and online.

It learns a verified identity, never a typed one (issue #18): a counter reception (the
officer checked the ID card) or an online dossier filed for themselves by the holder of a
VNeID-verified account.
"""

import datetime as dt
import threading

import pytest
import time_machine
from django.conf import settings
from django.db import connections, transaction
from django.db.models.query import QuerySet

from beneficiaries.constants import RegistryEventKind
from beneficiaries.models import Person, RegistryEvent
from beneficiaries.services import person_learn_from_dossier
from dossiers.constants import Channel, DossierState, Representation
from dossiers.exceptions import DossierIncomplete
from dossiers.models import Dossier
from dossiers.services import (
    ReceiptLine,
    dossier_counter_receive,
    dossier_document_add,
    dossier_draft_create,
    dossier_draft_save,
    dossier_submit,
)
from dossiers.services.representation import Principal
from dossiers.wizard import wizard_steps
from tests.dossiers.conftest import complete_values, png_file
from tests.factories import UserFactory

from .factories import PersonFactory

WALK_IN_ID = "079185012345"  # a woman born in 1985, birth registered in Hồ Chí Minh City
WALK_IN_DOB = "1985-03-14"
WALK_IN_NAME = "Lê Thị Thu Trang"
WALK_IN_PHONE = "0908123456"
WALK_IN_ADDRESS = "Số 5 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh"


@pytest.fixture
def counter(offices):
    return UserFactory(counter_officer=True, full_name="Trần Thị Bình", office=offices[1])


def walk_in_draft(
    catalogue, officer, *, national_id=WALK_IN_ID, dob=WALK_IN_DOB, representative=None, **details
):
    dossier = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=officer,
        channel=Channel.COUNTER,
        representative=representative,
        applicant_details={
            "name": WALK_IN_NAME,
            "national_id": national_id,
            "phone": WALK_IN_PHONE,
            "address": WALK_IN_ADDRESS,
            "province_code": 79,
            **details,
        },
    )
    values = complete_values(
        dossier.version,
        {
            "full_name": WALK_IN_NAME,
            "national_id": national_id,
            "date_of_birth": dob,
            "phone": WALK_IN_PHONE,
            "email": "trang@example.vn",
        },
    )
    return dossier_draft_save(dossier=dossier, actor=officer, values=values, next_step=4)


def receive(dossier, officer):
    return dossier_counter_receive(
        dossier=dossier,
        officer=officer,
        receipts=[
            ReceiptLine(component=c, original_or_copy=c.original_or_copy, quantity=1)
            for c in dossier.version.components.all()
        ],
    )


@pytest.mark.django_db
def test_walk_in_with_an_unknown_cccd_is_registered_with_the_dossier_data(catalogue, counter):
    received = receive(walk_in_draft(catalogue, counter), counter)

    assert received.state == DossierState.RECEIVED
    person = Person.objects.get(national_id=WALK_IN_ID)
    assert person.full_name == WALK_IN_NAME
    assert person.date_of_birth == dt.date(1985, 3, 14)
    assert person.gender == "female"  # read from the CCCD: the form does not ask it
    assert person.phone == WALK_IN_PHONE
    assert person.email == "trang@example.vn"
    assert person.current_province_code == 79
    # The province is a code: the street line does not repeat it.
    assert person.current_street == "Số 5 Lê Lợi, Phường Sài Gòn"
    assert person.current_address.endswith("Thành phố Hồ Chí Minh")
    assert person.current_address.count("Hồ Chí Minh") == 1
    assert person.si_code is None  # a typed SI code is not taken on trust

    event = RegistryEvent.objects.get(person=person)
    assert event.kind == RegistryEventKind.PERSON_REGISTERED
    assert event.actor == counter
    assert event.dossier_id == received.pk
    assert event.payload == {"source": f"dossier:{received.code}"}


@pytest.mark.django_db
def test_a_representative_at_the_counter_teaches_nothing_about_the_principal(catalogue, counter):
    """The officer checked the representative's ID card, not the principal's."""
    representative = {
        "kind": Representation.AUTHORISATION,
        "name": "Nguyễn Văn Nam",
        "national_id": "001090012345",
    }
    received = receive(walk_in_draft(catalogue, counter, representative=representative), counter)

    assert received.state == DossierState.RECEIVED
    assert received.representation == Representation.AUTHORISATION
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_learning_twice_keeps_one_person_and_one_event(catalogue, counter):
    dossier = walk_in_draft(catalogue, counter)
    received = receive(dossier, counter)
    receive(dossier, counter)  # the officer presses "receive" again
    assert person_learn_from_dossier(dossier=received, actor=counter) is None

    # The same person comes back with another dossier.
    receive(walk_in_draft(catalogue, counter, phone="0987654321"), counter)

    assert Person.objects.filter(national_id=WALK_IN_ID).count() == 1
    assert Person.objects.get(national_id=WALK_IN_ID).phone == WALK_IN_PHONE
    assert RegistryEvent.objects.filter(kind=RegistryEventKind.PERSON_REGISTERED).count() == 1


@pytest.mark.django_db
def test_what_vss_holds_about_a_known_person_is_not_overwritten(catalogue, counter):
    known = PersonFactory(
        national_id=WALK_IN_ID,
        full_name="Lê Thị Trang",
        date_of_birth=dt.date(1985, 3, 14),
        gender="female",
        phone="0911000111",
        current_province_code=1,
        current_street="Số 1 Tràng Tiền",
    )
    receive(walk_in_draft(catalogue, counter), counter)

    person = Person.objects.get(pk=known.pk)
    assert person.full_name == "Lê Thị Trang"
    assert person.phone == "0911000111"
    assert person.current_street == "Số 1 Tràng Tiền"
    assert person.current_province_code == 1
    assert person.updated_at == known.updated_at
    assert not RegistryEvent.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_details_the_registry_cannot_trust_do_not_block_reception(catalogue, counter):
    dossier = walk_in_draft(catalogue, counter, national_id=WALK_IN_ID, dob="1990-03-14")

    received = receive(dossier, counter)

    assert received.state == DossierState.RECEIVED
    assert received.code
    assert not Person.objects.exists()
    assert not RegistryEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "national_id",
    [
        pytest.param("999185012345", id="unknown-province-code"),
        pytest.param("07918501234", id="eleven-digits"),
    ],
)
def test_a_malformed_cccd_kept_in_a_draft_is_named_at_reception_and_teaches_nothing(
    catalogue, counter, national_id
):
    """A draft keeps what was typed; reception names the malformed ID number instead."""
    dossier = walk_in_draft(catalogue, counter, national_id=national_id, dob=WALK_IN_DOB)

    assert person_learn_from_dossier(dossier=dossier, actor=counter) is None
    with pytest.raises(DossierIncomplete):
        receive(dossier, counter)
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.DRAFT
    assert not Person.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "emptied",
    [{"national_id": ""}, {"date_of_birth": ""}, {"full_name": ""}],
    ids=["no-id", "no-date-of-birth", "no-name"],
)
def test_a_dossier_without_the_essentials_teaches_nothing(catalogue, counter, emptied):
    dossier = walk_in_draft(catalogue, counter)
    dossier.data = {**dossier.data, **emptied}
    if "national_id" in emptied:
        dossier.applicant_national_id = ""
    if "full_name" in emptied:
        dossier.applicant_name = ""

    assert person_learn_from_dossier(dossier=dossier, actor=counter) is None
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_a_registration_that_loses_a_race_does_not_break_reception(catalogue, counter, monkeypatch):
    """Another reception registered the CCCD between the check and the insert."""
    PersonFactory(national_id=WALK_IN_ID, date_of_birth=dt.date(1985, 3, 14), gender="female")
    original_exists = QuerySet.exists

    def exists_missing_the_other_registration(self):
        return False if self.model is Person else original_exists(self)

    monkeypatch.setattr(QuerySet, "exists", exists_missing_the_other_registration)
    with transaction.atomic():  # the unique CCCD fails inside the receiving transaction
        received = receive(walk_in_draft(catalogue, counter), counter)

    assert received.state == DossierState.RECEIVED
    assert Person.objects.filter(national_id=WALK_IN_ID).count() == 1
    assert not RegistryEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="a real write race needs PostgreSQL (SQLite serialises writers)",
)
def test_concurrent_receptions_of_one_new_person_register_them_once(catalogue, offices):
    officers = [
        UserFactory(counter_officer=True, username=f"race-counter-{i}", office=offices[1])
        for i in range(4)
    ]
    drafts = [walk_in_draft(catalogue, officer) for officer in officers]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def receive_at_once(dossier, officer):
        try:
            barrier.wait(timeout=30)
            receive(dossier, officer)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=receive_at_once, args=pair)
        for pair in zip(drafts, officers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.state == DossierState.RECEIVED
    assert Person.objects.filter(national_id=WALK_IN_ID).count() == 1
    assert RegistryEvent.objects.filter(kind=RegistryEventKind.PERSON_REGISTERED).count() == 1


VERIFIED_AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def online_citizen(*, verified: bool, **fields):
    return UserFactory(
        citizen=True,
        national_id=WALK_IN_ID,
        username=f"cd{WALK_IN_ID}",
        full_name=WALK_IN_NAME,
        phone="",
        email="",
        date_of_birth=dt.date(1985, 3, 14) if verified else None,
        gender="female" if verified else "",
        identity_verified_at=VERIFIED_AT if verified else None,
        **fields,
    )


def submit_online(catalogue, citizen, *, typed_name=WALK_IN_NAME, principal=None, letter=None):
    dossier = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=citizen,
        channel=Channel.ONLINE,
        applicant=citizen,
        principal=principal,
        authorisation_letter=letter,
    )
    dossier = dossier_draft_save(
        dossier=dossier,
        actor=citizen,
        values=complete_values(
            dossier.version,
            {
                "full_name": typed_name,
                "national_id": dossier.applicant_national_id or WALK_IN_ID,
                "date_of_birth": WALK_IN_DOB,
                "phone": WALK_IN_PHONE,
                "email": "trang@example.vn",
            },
        ),
        next_step=4,
        province_code=79,
        address=WALK_IN_ADDRESS,
    )
    component = dossier.version.components.get(code="medical_leave_certificate")
    dossier_document_add(dossier=dossier, component=component, uploaded=png_file(), actor=citizen)
    return dossier_submit(dossier=dossier, actor=citizen)


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False)
def test_online_submission_from_a_verified_account_teaches_the_verified_identity(
    client, catalogue, offices
):
    citizen = online_citizen(verified=True)
    # The form's name is typed: the registry takes the name VNeID verified instead.
    submitted = submit_online(catalogue, citizen, typed_name="Le Thi Thu Trang (typed)")
    assert submitted.state == DossierState.SUBMITTED

    person = Person.objects.get(national_id=WALK_IN_ID)
    assert person.full_name == WALK_IN_NAME
    assert person.date_of_birth == dt.date(1985, 3, 14)
    assert person.gender == "female"
    assert person.phone == WALK_IN_PHONE  # contact details come from the dossier
    assert RegistryEvent.objects.get(person=person).actor == citizen

    # The next form: what the citizen gave once is now known to VSS and not asked again.
    following = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=citizen,
        channel=Channel.ONLINE,
        applicant=citizen,
    )
    client.force_login(citizen)
    response = client.get(wizard_steps(following)[0].url)
    assert response.status_code == 200
    html = response.content.decode()
    known = html[html.index('data-testid="known-fields"') :]
    assert "14/03/1985" in known  # the date of birth, shown as people read it
    assert WALK_IN_PHONE in known
    assert "trang@example.vn" in known
    assert 'name="date_of_birth"' not in html
    assert 'name="phone"' not in html


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False)
def test_online_submission_from_an_unverified_account_teaches_nothing(catalogue, offices):
    """A local-password account typed its identity: the registry does not learn it."""
    submitted = submit_online(catalogue, online_citizen(verified=False))

    assert submitted.state == DossierState.SUBMITTED
    assert not Person.objects.filter(national_id=WALK_IN_ID).exists()
    assert not RegistryEvent.objects.exists()


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False)
def test_a_verified_representative_filing_for_someone_teaches_nothing_about_them(
    catalogue, offices
):
    """The representative's account is verified, the principal's identity is typed."""
    representative = UserFactory(
        citizen=True,
        national_id="001090012345",
        username="cd001090012345",
        full_name="Nguyễn Văn Nam",
        date_of_birth=dt.date(1990, 5, 1),
        gender="male",
        identity_verified_at=VERIFIED_AT,
    )
    principal = Principal(
        kind=Representation.AUTHORISATION,
        national_id=WALK_IN_ID,
        full_name=WALK_IN_NAME,
        scope="Nộp hồ sơ ốm đau",
    )
    submitted = submit_online(catalogue, representative, principal=principal, letter=png_file())

    assert submitted.state == DossierState.SUBMITTED
    assert submitted.representation == Representation.AUTHORISATION
    assert not Person.objects.exists()
    assert not RegistryEvent.objects.exists()


@pytest.mark.django_db
def test_a_walk_in_is_known_at_the_counter_next_time(client, catalogue, counter):
    receive(walk_in_draft(catalogue, counter), counter)

    client.force_login(counter)
    response = client.get("/dossiers/counter/", {"national_id": WALK_IN_ID})
    html = response.content.decode()
    assert response.status_code == 200
    assert WALK_IN_NAME in html
    assert WALK_IN_PHONE in html

"""Once-only: forms show what the registry holds and do not ask it again."""

import pytest

from dossiers.constants import Channel
from dossiers.prefill import known_values
from dossiers.services import dossier_draft_create
from dossiers.wizard import wizard_steps
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_known_values_prefer_the_registry_and_fall_back_to_the_profile(parent, parent_person):
    values = known_values(parent)
    assert values["email"] == "an.registry@example.vn"  # registry over profile
    assert values["si_code"] == "0190012345"
    assert values["bank_account"] == "0011223344556"

    other = UserFactory(citizen=True, national_id="001090077777", email="x@example.vn")
    values = known_values(other)
    assert values["email"] == "x@example.vn"  # not in the registry: the profile
    assert "si_code" not in values


def test_a_person_without_a_10_digit_code_has_their_cccd_as_si_code(parent):
    # Since 1 July 2025 (Law on Social Insurance 2024) the CCCD is the SI code: the wizard
    # does not ask a registered person for a code VSS never gave them.
    from tests.beneficiaries.factories import PersonFactory

    PersonFactory(national_id=parent.national_id, si_code=None)

    assert known_values(parent)["si_code"] == parent.national_id


def test_staff_and_anonymous_get_no_prefill(parent_person):
    officer = UserFactory(counter_officer=True, national_id=parent_person.national_id)
    assert known_values(officer) == {}
    assert known_values(None) == {}


def test_prefill_shows_registry_data_on_the_form(client, catalogue, parent, parent_person):
    dossier = dossier_draft_create(
        procedure=catalogue["sickness-benefit"],
        actor=parent,
        channel=Channel.ONLINE,
        applicant=parent,
    )
    assert dossier.data["si_code"] == "0190012345"
    assert dossier.data["employer"] == "Công ty Sao Mai (0101234567)"

    client.force_login(parent)
    response = client.get(wizard_steps(dossier)[0].url)
    assert response.status_code == 200
    html = response.content.decode()
    known = html[html.index('data-testid="known-fields"') :]
    assert "0190012345" in known
    assert "Công ty Sao Mai (0101234567)" in known
    # Known to VSS, so not asked again.
    assert 'name="si_code"' not in html
    assert 'name="employer"' not in html

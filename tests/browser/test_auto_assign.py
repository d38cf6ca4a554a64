"""Automatic assignment in a browser: the counter receives a walk-in dossier at an office that
assigns automatically, and the processing officer finds it in "Assigned to me" (issue #17)."""

from django.utils import translation
from playwright.sync_api import expect

from accounts.constants import Role
from dossiers.constants import DossierState
from dossiers.models import Dossier
from tests.dossiers.test_counter_desk import walk_in_draft
from tests.factories import PASSWORD, UserFactory


def _vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


def test_walk_in_received_at_the_counter_lands_in_the_officers_worklist(
    page, login, catalogue, offices
):
    hn = offices[1]
    hn.auto_assign = True
    hn.save(update_fields=["auto_assign"])
    counter = UserFactory(username="aa-counter", role=Role.COUNTER_OFFICER, office=hn)
    officer = UserFactory(
        username="aa-officer", role=Role.PROCESSING_OFFICER, office=hn, full_name="Đỗ Văn Hùng"
    )
    UserFactory(  # absent: never chosen
        username="aa-absent",
        role=Role.PROCESSING_OFFICER,
        office=hn,
        absent_until="2999-12-31",
    )
    dossier = walk_in_draft(catalogue, counter, province=1)
    mandatory = [c for c in dossier.version.components.all() if c.is_mandatory]

    login(counter.username, PASSWORD)
    page.goto(f"/dossiers/d/{dossier.reference}/resume/")
    page.get_by_test_id("to-review").click()
    for component in mandatory:
        page.get_by_label(f"{_vi('Received on paper')}: {component.name_vi}").check()
    page.get_by_test_id("receive").click()
    expect(page.get_by_test_id("dossier-code")).not_to_be_empty()
    expect(page.get_by_test_id("assigned-to")).to_have_text("Đỗ Văn Hùng")
    received = Dossier.objects.get(pk=dossier.pk)
    assert received.state == DossierState.IN_PROCESSING
    assert received.assigned_to == officer

    page.context.clear_cookies()
    login(officer.username, PASSWORD)
    page.goto("/dossiers/worklist/?tab=mine")
    expect(page.get_by_test_id("worklist").get_by_role("link", name=received.code)).to_be_visible()

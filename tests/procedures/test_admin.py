import datetime as dt
import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Dossier
from procedures.models import Procedure, ProcedureVersion
from procedures.selectors import version_in_force
from procedures.services import procedure_save, procedure_version_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The model requires a non-empty form schema (ProcedureVersion.fields is not blank=True).
FIELDS = [{"name": "full_name", "type": "text", "label_vi": "Họ và tên", "step": 1}]


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(administrator=True, username="catalogue-editor"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def procedure() -> Procedure:
    return procedure_save(
        procedure=Procedure(
            code="TEST-01",
            slug="test-procedure",
            name_vi="Thủ tục thử nghiệm thai sản",
            name_en="Test procedure",
            group="maternity",
            filer="individual",
            channels=["online"],
            result_type_vi="Quyết định",
            result_type_en="Decision",
        )
    )


def _publish(procedure, start, end=None, **kwargs) -> ProcedureVersion:
    kwargs.setdefault("fields", FIELDS)
    return procedure_version_create(
        procedure=procedure,
        effective_from=start,
        effective_to=end,
        legal_basis_vi="Luật BHXH 2024",
        time_limit=kwargs.pop("time_limit", 7),
        time_limit_unit="working_days",
        **kwargs,
    )


def _version_form_data(version: ProcedureVersion, **changes) -> dict:
    data = {
        "effective_from": version.effective_from.isoformat(),
        "effective_to": version.effective_to.isoformat() if version.effective_to else "",
        "legal_basis_vi": version.legal_basis_vi,
        "legal_basis_en": version.legal_basis_en,
        "time_limit": version.time_limit,
        "time_limit_unit": version.time_limit_unit,
        "internal_target": version.internal_target or "",
        "due_soon_hours": version.due_soon_hours,
        "step_appraisal": "on",
        "step_leader_signature": "on",
        "fields": json.dumps(version.fields),
        "components-TOTAL_FORMS": "0",
        "components-INITIAL_FORMS": "0",
        "components-MIN_NUM_FORMS": "0",
        "components-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def _change_url(version: ProcedureVersion) -> str:
    return reverse("admin:procedures_procedureversion_change", args=[version.pk])


def test_admin_pages_render(editor_client, procedure):
    version = _publish(procedure, dt.date(2025, 7, 1))

    for url in [
        reverse("admin:procedures_procedure_changelist"),
        reverse("admin:procedures_procedure_change", args=[procedure.pk]),
        reverse("admin:procedures_procedure_add"),
        reverse("admin:procedures_procedureversion_changelist"),
        reverse("admin:procedures_procedureversion_add"),
        _change_url(version),
    ]:
        assert editor_client.get(url).status_code == 200, url


def test_version_list_offers_the_publish_action_with_a_date(editor_client, procedure):
    _publish(procedure, dt.date(2025, 7, 1))

    response = editor_client.get(reverse("admin:procedures_procedureversion_changelist"))

    html = response.content.decode()
    assert 'value="publish_new_version"' in html
    assert 'name="effective_from"' in html


def test_procedure_saved_in_admin_keeps_search_text(editor_client, procedure):
    url = reverse("admin:procedures_procedure_change", args=[procedure.pk])
    data = {
        "code": procedure.code,
        "slug": procedure.slug,
        "name_vi": "Giải quyết hưởng chế độ ốm đau thử",
        "name_en": procedure.name_en,
        "summary_vi": "",
        "summary_en": "",
        "group": procedure.group,
        "filer": procedure.filer,
        "channels": ["online", "counter"],
        "result_type_vi": procedure.result_type_vi,
        "result_type_en": procedure.result_type_en,
        "fee_vnd": "0",
        "competent_office": procedure.competent_office,
        "is_published": "on",
        "ordering": "100",
    }

    response = editor_client.post(url, data)

    assert response.status_code == 302
    procedure.refresh_from_db()
    assert "om dau" in procedure.search_text
    assert procedure.channels == ["online", "counter"]


def test_overlapping_version_in_the_change_form_shows_the_error(editor_client, procedure):
    first = _publish(procedure, dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    _publish(procedure, dt.date(2025, 7, 1))

    response = editor_client.post(
        _change_url(first), _version_form_data(first, effective_to="2025-12-31")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "overlaps the version in force from 01/07/2025" in errors["effective_from"][0]
    assert "overlaps the version in force from 01/07/2025" in response.content.decode()
    first.refresh_from_db()
    assert first.effective_to == dt.date(2025, 6, 30)


def test_overlapping_new_version_in_the_add_form_shows_the_error(editor_client, procedure):
    existing = _publish(procedure, dt.date(2025, 7, 1))
    data = _version_form_data(existing, procedure=procedure.pk, effective_from="2026-01-01")

    response = editor_client.post(reverse("admin:procedures_procedureversion_add"), data)

    assert response.status_code == 200
    assert (
        "overlaps the version in force from 01/07/2025"
        in (response.context["adminform"].form.errors["effective_from"][0])
    )
    assert procedure.versions.count() == 1


def test_version_without_dossiers_can_be_corrected(editor_client, procedure):
    version = _publish(procedure, dt.date(2025, 7, 1))

    response = editor_client.post(
        _change_url(version), _version_form_data(version, legal_basis_vi="Luật BHXH số 41/2024")
    )

    assert response.status_code == 302
    version.refresh_from_db()
    assert version.legal_basis_vi == "Luật BHXH số 41/2024"


def test_version_with_dossiers_is_read_only(editor_client, procedure):
    version = _publish(
        procedure,
        dt.date(2025, 7, 1),
        components=[
            {
                "code": "application",
                "name_vi": "Đơn đề nghị",
                "name_en": "Application",
                "original_or_copy": "original",
                "requirement": "mandatory",
            }
        ],
    )
    Dossier.objects.create(procedure=procedure, version=version, channel="online")

    page = editor_client.get(_change_url(version))
    post = editor_client.post(_change_url(version), _version_form_data(version, time_limit=3))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    inline = page.context["inline_admin_formsets"][0]
    assert inline.has_add_permission is False
    assert inline.has_change_permission is False
    assert "Publish a new version from this one" in page.content.decode()
    assert post.status_code == 403
    version.refresh_from_db()
    assert version.time_limit == 7


def test_publish_a_new_version_from_an_existing_one(editor_client, procedure):
    today = timezone.localdate()
    components = [
        {
            "code": code,
            "name_vi": f"Giấy tờ {code}",
            "name_en": f"Paper {code}",
            "original_or_copy": "copy",
            "requirement": "mandatory",
        }
        for code in ("first", "second")
    ]
    fields = [*FIELDS, {"name": "note", "type": "textarea", "label_vi": "Ghi chú"}]
    old = _publish(
        procedure,
        today - dt.timedelta(days=30),
        time_limit=7,
        internal_target=2,
        workflow={"appraisal": True, "leader_signature": False, "payment_request": True},
        fields=fields,
        components=components,
    )
    dossier = Dossier.objects.create(procedure=procedure, version=old, channel="online")
    start = today + dt.timedelta(days=10)

    response = editor_client.post(
        reverse("admin:procedures_procedureversion_changelist"),
        {
            "action": "publish_new_version",
            "_selected_action": [old.pk],
            "effective_from": start.isoformat(),
        },
    )

    new = procedure.versions.get(effective_from=start)
    assert response.status_code == 302
    assert response["Location"] == _change_url(new)
    old.refresh_from_db()
    dossier.refresh_from_db()
    assert old.effective_to == start - dt.timedelta(days=1)
    assert dossier.version_id == old.pk
    assert (new.time_limit, new.time_limit_unit, new.internal_target) == (7, "working_days", 2)
    assert (new.step_appraisal, new.step_leader_signature, new.step_payment_request) == (
        True,
        False,
        True,
    )
    assert new.fields == fields
    assert new.legal_basis_vi == old.legal_basis_vi
    assert [(c.code, c.name_vi) for c in new.components.all()] == [
        (c.code, c.name_vi) for c in old.components.all()
    ]
    assert version_in_force(procedure=procedure, on=start) == new
    # The copy has no dossiers yet, so the editor can adjust it before it comes into force.
    assert editor_client.get(_change_url(new)).context["has_change_permission"] is True


def test_publish_defaults_to_tomorrow(editor_client, procedure):
    old = _publish(procedure, dt.date(2025, 7, 1))

    editor_client.post(
        reverse("admin:procedures_procedureversion_changelist"),
        {"action": "publish_new_version", "_selected_action": [old.pk], "effective_from": ""},
    )

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert procedure.versions.filter(effective_from=tomorrow).exists()


def test_publish_refuses_a_date_in_the_past(editor_client, procedure):
    old = _publish(procedure, dt.date(2025, 7, 1))

    response = editor_client.post(
        reverse("admin:procedures_procedureversion_changelist"),
        {
            "action": "publish_new_version",
            "_selected_action": [old.pk],
            "effective_from": timezone.localdate().isoformat(),
        },
        follow=True,
    )

    assert procedure.versions.count() == 1
    assert "from tomorrow or later" in response.content.decode()
    old.refresh_from_db()
    assert old.effective_to is None


def test_publish_reports_an_overlap_with_a_later_version(editor_client, procedure):
    today = timezone.localdate()
    current = _publish(procedure, dt.date(2025, 7, 1), today + dt.timedelta(days=30))
    _publish(procedure, today + dt.timedelta(days=31))

    response = editor_client.post(
        reverse("admin:procedures_procedureversion_changelist"),
        {"action": "publish_new_version", "_selected_action": [current.pk], "effective_from": ""},
        follow=True,
    )

    assert procedure.versions.count() == 2
    assert "overlaps the version in force from" in response.content.decode()

"""Every conditional document carries its condition as data (issue #20), and the admin
refuses a condition it could not apply."""

import datetime as dt
import importlib
import json
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from procedures.models import Procedure, ProcedureVersion
from procedures.services import (
    CATALOGUE_PATH,
    DEMO_CATALOGUE_PATH,
    procedure_save,
    procedure_version_create,
    validate_required_when,
)
from tests.factories import UserFactory

# Words that make a document's description conditional, in either language.
CONDITIONAL = re.compile(r"\b(nếu|khi|trường hợp|if|when|for|in a)\b", re.IGNORECASE)

# Documents that stay conditional in prose only, each with the reason no form answer decides.
NO_MACHINE_CONDITION = {
    ("VSS-DEMO-01", "site_photos"): "a demo document the applicant adds when they have it",
}


def _components():
    for path in (CATALOGUE_PATH, DEMO_CATALOGUE_PATH):
        for item in json.loads(path.read_text(encoding="utf-8")):
            for version in item["versions"]:
                for component in version.get("components") or []:
                    yield item["code"], version, component


def test_every_conditional_document_has_its_condition_as_data():
    checked = 0
    for code, version, component in _components():
        prose = f"{component.get('condition_vi') or ''} {component.get('condition_en') or ''}"
        if component["requirement"] != "conditional" and not CONDITIONAL.search(prose):
            continue
        key = (code, component["code"])
        if key in NO_MACHINE_CONDITION:
            assert not component.get("required_when"), key
            continue
        checked += 1
        assert component.get("required_when"), f"{key} is conditional in prose only"
        # The condition names a field of that version's form and values it offers.
        validate_required_when(
            component["required_when"], version.get("fields") or [], code=component["code"]
        )
    assert checked > 50


def test_the_allow_list_names_real_documents():
    known = {(code, component["code"]) for code, _v, component in _components()}
    assert set(NO_MACHINE_CONDITION) <= known


@pytest.mark.django_db
def test_admin_refuses_a_condition_it_could_not_apply(client):
    client.force_login(UserFactory(administrator=True, username="catalogue-editor"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    procedure = procedure_save(
        procedure=Procedure(
            code="TEST-COND",
            slug="test-conditions",
            name_vi="Thủ tục thử",
            name_en="Test procedure",
            group="sickness",
            filer="individual",
            channels=["online"],
            result_type_vi="Quyết định",
            result_type_en="Decision",
        )
    )
    fields = [
        {"name": "full_name", "type": "text", "label_vi": "Họ và tên", "step": 1},
        {
            "name": "treatment_type",
            "type": "choice",
            "label_vi": "Hình thức điều trị",
            "step": 1,
            "choices": [{"value": "inpatient", "label_vi": "Nội trú"}],
        },
    ]
    version = procedure_version_create(
        procedure=procedure,
        effective_from=dt.date(2025, 7, 1),
        legal_basis_vi="Luật BHXH 2024",
        time_limit=7,
        time_limit_unit="working_days",
        fields=fields,
        components=[
            {
                "code": "discharge",
                "name_vi": "Giấy ra viện",
                "original_or_copy": "copy",
                "requirement": "conditional",
                "condition_vi": "Khi điều trị nội trú",
            }
        ],
    )
    component = version.components.get()
    url = reverse("admin:procedures_procedureversion_change", args=[version.pk])

    def save(required_when, requirement="conditional"):
        data = {
            "effective_from": "2025-07-01",
            "effective_to": "",
            "legal_basis_vi": version.legal_basis_vi,
            "legal_basis_en": "",
            "time_limit": 7,
            "time_limit_unit": "working_days",
            "internal_target": "",
            "due_soon_hours": 8,
            "step_appraisal": "on",
            "step_leader_signature": "on",
            "fields": json.dumps(fields),
            "components-TOTAL_FORMS": "1",
            "components-INITIAL_FORMS": "1",
            "components-MIN_NUM_FORMS": "0",
            "components-MAX_NUM_FORMS": "1000",
            "components-0-id": component.pk,
            "components-0-version": version.pk,
            "components-0-position": 0,
            "components-0-code": "discharge",
            "components-0-name_vi": "Giấy ra viện",
            "components-0-name_en": "Discharge paper",
            "components-0-original_or_copy": "copy",
            "components-0-quantity": 1,
            "components-0-requirement": requirement,
            "components-0-condition_vi": "Khi điều trị nội trú",
            "components-0-condition_en": "",
            "components-0-required_when": json.dumps(required_when),
            "components-0-file_types": json.dumps(["pdf"]),
            "components-0-max_size_mb": 10,
            "components-0-prefill_source": "",
        }
        return client.post(url, data)

    for bad, message in [
        ({"field": "nope", "in": ["inpatient"]}, "unknown field nope"),
        ({"field": "treatment_type", "in": ["abroad"]}, "values the field does not offer"),
        ({"field": "treatment_type", "in": [{"x": 1}]}, "the condition must be"),
        (["treatment_type"], "the condition must be"),
    ]:
        response = save(bad)
        assert response.status_code == 200, bad
        assert message in response.content.decode(), bad
    response = save({"field": "treatment_type", "in": ["inpatient"]}, requirement="mandatory")
    assert "Only a conditional document has a condition." in response.content.decode()

    response = save({"field": "treatment_type", "in": ["inpatient"]})

    assert response.status_code == 302
    component.refresh_from_db()
    assert component.required_when == {"field": "treatment_type", "in": ["inpatient"]}

    # A new version published from this one keeps the condition and the form field.
    with time_machine.travel(dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        client.post(
            reverse("admin:procedures_procedureversion_changelist"),
            {
                "action": "publish_new_version",
                "_selected_action": [version.pk],
                "effective_from": "2026-02-01",
            },
        )
    new = ProcedureVersion.objects.get(procedure=procedure, effective_from=dt.date(2026, 2, 1))
    assert new.components.get().required_when == {"field": "treatment_type", "in": ["inpatient"]}


@pytest.mark.django_db
def test_the_migration_fills_conditions_in_on_stored_versions(catalogue):
    # A version stored before issue #20: no machine conditions, no `filing_route` question.
    from django.apps import apps

    from procedures.models import DocumentComponent

    migration = importlib.import_module("procedures.migrations.0006_required_when_everywhere")
    version = ProcedureVersion.objects.get(procedure__code="VSS-PEN-01")
    version.fields = [f for f in version.fields if f["name"] != "filing_route"]
    version.save()
    DocumentComponent.objects.update(required_when=None)

    migration.fill_conditions(apps, None)

    version.refresh_from_db()
    assert "filing_route" in [field["name"] for field in version.fields]
    assert version.components.get(code="retirement_decision").required_when == {
        "field": "filing_route",
        "in": ["employer"],
    }
    prose_only = DocumentComponent.objects.filter(
        requirement="conditional", required_when__isnull=True, version__procedure__is_demo=False
    )
    assert not prose_only.exists()

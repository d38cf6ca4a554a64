import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from dossiers.models import Dossier
from procedures.models import Procedure, ProcedureVersion
from procedures.selectors import NoVersionInForce, version_in_force
from procedures.services import catalogue_load, procedure_save, procedure_version_create

pytestmark = pytest.mark.django_db

# The model requires a non-empty form schema (ProcedureVersion.fields is not blank=True).
FIELDS = [{"name": "full_name", "type": "text", "label_vi": "Họ và tên", "step": 1}]

COMPONENT = {
    "code": "application",
    "name_vi": "Đơn đề nghị",
    "name_en": "Application",
    "original_or_copy": "original",
    "requirement": "mandatory",
}


@pytest.fixture
def procedure() -> Procedure:
    return procedure_save(
        procedure=Procedure(
            code="TEST-01",
            slug="test-procedure",
            name_vi="Thủ tục thử nghiệm",
            name_en="Test procedure",
            group="sickness",
            filer="individual",
            channels=["online", "counter"],
            result_type_vi="Quyết định",
            result_type_en="Decision",
        )
    )


def _publish(procedure, start, end=None, **kwargs) -> ProcedureVersion:
    options = {
        "legal_basis_vi": f"Căn cứ từ {start:%d/%m/%Y}",
        "time_limit": 7,
        "time_limit_unit": "working_days",
        "components": [COMPONENT],
        "fields": FIELDS,
    }
    options.update(kwargs)
    return procedure_version_create(
        procedure=procedure, effective_from=start, effective_to=end, **options
    )


def test_version_in_force_by_date_including_the_boundary(procedure):
    old = _publish(procedure, dt.date(2024, 1, 1), dt.date(2025, 6, 30), time_limit=6)
    new = _publish(procedure, dt.date(2025, 7, 1))

    assert version_in_force(procedure=procedure, on=dt.date(2024, 1, 1)) == old
    assert version_in_force(procedure=procedure, on=dt.date(2025, 6, 30)) == old
    assert version_in_force(procedure=procedure, on=dt.date(2025, 7, 1)) == new
    assert version_in_force(procedure=procedure) == new  # today
    with pytest.raises(NoVersionInForce):
        version_in_force(procedure=procedure, on=dt.date(2023, 12, 31))


def test_a_gap_between_versions_has_no_version_in_force(procedure):
    _publish(procedure, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    _publish(procedure, dt.date(2025, 7, 1))

    with pytest.raises(NoVersionInForce):
        version_in_force(procedure=procedure, on=dt.date(2025, 3, 1))


def test_overlapping_version_is_rejected_with_a_clear_message(procedure):
    _publish(procedure, dt.date(2025, 1, 1))

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        _publish(procedure, dt.date(2025, 7, 1))

    message = caught.value.message_dict["effective_from"][0]
    assert "overlaps the version in force from 01/01/2025" in message
    assert "End that version first" in message
    assert procedure.versions.count() == 1


def test_a_version_inside_a_closed_one_is_rejected(procedure):
    _publish(procedure, dt.date(2025, 1, 1), dt.date(2025, 12, 31))

    with pytest.raises(ValidationError):
        _publish(procedure, dt.date(2025, 3, 1), dt.date(2025, 4, 30))


def test_close_previous_ends_the_old_version_the_day_before(procedure):
    old = _publish(procedure, dt.date(2025, 1, 1))

    new = _publish(procedure, dt.date(2026, 1, 1), close_previous=True, time_limit=5)

    old.refresh_from_db()
    assert old.effective_to == dt.date(2025, 12, 31)
    assert new.effective_to is None
    assert version_in_force(procedure=procedure, on=dt.date(2025, 12, 31)) == old
    assert version_in_force(procedure=procedure, on=dt.date(2026, 1, 1)) == new


def test_a_dossier_keeps_its_version_after_a_new_one_is_published(procedure):
    today = timezone.localdate()
    old = _publish(procedure, today - dt.timedelta(days=30), time_limit=7)
    dossier = Dossier.objects.create(procedure=procedure, version=old, channel="online")

    tomorrow = today + dt.timedelta(days=1)
    new = _publish(procedure, tomorrow, close_previous=True, time_limit=5)

    dossier.refresh_from_db()
    old.refresh_from_db()
    assert dossier.version_id == old.pk
    assert dossier.version.time_limit == 7
    assert [c.code for c in dossier.version.components.all()] == ["application"]
    assert old.effective_to == today
    assert version_in_force(procedure=procedure, on=tomorrow) == new
    assert version_in_force(procedure=procedure, on=today) == old


def test_catalogue_load_is_idempotent(catalogue):
    procedures = Procedure.objects.count()
    versions = ProcedureVersion.objects.count()

    created = catalogue_load()

    assert created == {"procedures": 0, "versions": 0}
    assert Procedure.objects.count() == procedures
    assert ProcedureVersion.objects.count() == versions


def test_catalogue_lists_at_least_twelve_published_procedures(catalogue):
    published = [p for p in catalogue.values() if p.is_published]
    assert len(published) >= 12
    for procedure in published:
        version = version_in_force(procedure=procedure)
        assert version.time_limit > 0
        assert version.legal_basis_vi
        assert version.components.exists(), procedure.code


@pytest.mark.parametrize(
    ("slug", "time_limit", "unit", "internal_target"),
    [
        ("sickness-benefit", 7, "working_days", None),
        ("maternity-benefit-direct", 5, "working_days", None),
        ("old-age-pension", 20, "calendar_days_excluding_holidays", None),
        ("hi-card-reissue-exchange", 7, "working_days", 2),
    ],
)
def test_catalogue_time_limits(catalogue, slug, time_limit, unit, internal_target):
    version = version_in_force(procedure=catalogue[slug])

    assert version.time_limit == time_limit
    assert version.time_limit_unit == unit
    assert version.internal_target == internal_target


def test_catalogue_sickness_time_limit_changed_on_1_july_2025(catalogue):
    sickness = catalogue["sickness-benefit"]

    assert version_in_force(procedure=sickness, on=dt.date(2025, 6, 30)).time_limit == 6
    assert version_in_force(procedure=sickness, on=dt.date(2025, 7, 1)).time_limit == 7

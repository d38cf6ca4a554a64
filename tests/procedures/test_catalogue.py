"""The reviewed catalogue: every procedure's time limit, the SI book entries, the demo."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from procedures.models import Procedure, ProcedureVersion
from procedures.selectors import version_in_force

pytestmark = pytest.mark.django_db

WD = "working_days"
DAYS = "calendar_days"
EXCL = "calendar_days_excluding_holidays"

# Every version in the catalogue file: (code, effective from) -> (time limit, unit,
# limit when verification is needed, VSS internal target). Follows docs/DOMAIN facts:
# "working days" skip weekends and holidays, "days (excluding holidays and Tết)" skip
# holidays only, plain "days" are calendar days.
TIME_LIMITS = {
    ("1.001667", "2021-01-01"): (6, WD, None, None),  # sickness, 2014 Law
    ("1.001667", "2025-07-01"): (7, WD, None, None),  # sickness
    ("2.000693", "2025-07-01"): (7, WD, None, None),  # maternity, from the employer
    ("VSS-MAT-02", "2025-07-01"): (5, WD, None, None),  # maternity, employee files directly
    ("VSS-CON-01", "2025-07-01"): (7, WD, None, None),  # convalescence
    ("VSS-PEN-01", "2025-07-01"): (20, EXCL, None, None),  # old-age pension
    ("VSS-OTP-01", "2025-07-01"): (10, EXCL, None, None),  # one-time SI
    ("VSS-FUN-01", "2025-07-01"): (10, WD, None, None),  # funeral allowance
    ("VSS-SUR-01", "2025-07-01"): (10, WD, None, None),  # monthly survivor allowance
    ("1.001632", "2025-07-01"): (10, DAYS, None, None),  # work injury, first time
    ("VSS-HIC-01", "2025-07-01"): (7, WD, None, 2),  # HI card re-issue / exchange
    ("VSS-SIB-02", "2025-07-01"): (20, DAYS, None, None),  # SI book, first issue
    ("VSS-SIB-01", "2025-07-01"): (15, DAYS, 45, None),  # SI book re-issue (45: verification)
    ("VSS-SIB-03", "2025-07-01"): (10, DAYS, None, None),  # SI book correction
    ("1.001939", "2025-07-01"): (5, WD, None, None),  # HI-only registration
    ("VSS-VOL-01", "2025-07-01"): (7, DAYS, None, None),  # voluntary SI registration
    ("VSS-PAY-01", "2025-07-01"): (5, WD, None, None),  # payment method change
    ("VSS-HIC-02", "2025-07-01"): (2, WD, None, None),  # HI card, child under 6
    ("1.001656", "2025-07-01"): (40, DAYS, None, None),  # direct HI reimbursement
    ("VSS-COV-01", "2025-07-01"): (5, WD, None, None),  # certificate of coverage
}


def test_every_procedure_in_the_catalogue_has_its_statutory_time_limit(catalogue):
    stored = {
        (v.procedure.code, v.effective_from.isoformat()): (
            v.time_limit,
            v.time_limit_unit,
            v.verification_time_limit,
            v.internal_target,
        )
        for v in ProcedureVersion.objects.select_related("procedure")
    }

    assert stored == TIME_LIMITS


@pytest.mark.parametrize(
    ("slug", "name", "limit", "documents"),
    [
        ("si-book-issue", "Cấp sổ bảo hiểm xã hội lần đầu", 20, {"D02-TS", "TK1-TS"}),
        ("si-book-reissue", "Cấp lại sổ bảo hiểm xã hội", 15, {"TK1-TS"}),
        ("si-book-correction", "Điều chỉnh thông tin trên sổ", 10, {"D02-TS", "TK1-TS"}),
    ],
)
def test_si_book_procedures_are_in_the_catalogue_with_their_forms(
    client, catalogue, slug, name, limit, documents
):
    procedure = catalogue[slug]
    version = version_in_force(procedure=procedure, on=dt.date(2026, 12, 1))
    names = " ".join(c.name_vi for c in version.components.all())

    page = client.get(reverse("procedures:detail", args=[slug])).content.decode()

    assert procedure.group == "si_book"
    assert name in procedure.name_vi
    assert version.time_limit == limit
    assert all(form in names for form in documents)
    assert f"{limit} ngày" in page


def test_si_book_reissue_shows_the_longer_limit_when_verification_is_needed(client, catalogue):
    page = client.get(reverse("procedures:detail", args=["si-book-reissue"])).content.decode()
    api = client.get("/api/v1/procedures/si-book-reissue/").json()

    assert "tối đa 45 ngày theo lịch nếu cần xác minh" in page
    assert api["current_version"]["verification_time_limit"] == 45
    assert api["current_version"]["time_limit"] == 15


# --- The demo procedure ------------------------------------------------------------------


def test_catalogue_file_holds_no_demo_procedure(catalogue):
    assert not Procedure.objects.filter(code="VSS-DEMO-01").exists()
    assert "demo-field-inspection" not in catalogue


def test_seed_demo_loads_the_demo_procedure_outside_the_catalogue(client):
    call_command("seed_demo", stdout=StringIO())
    demo = Procedure.objects.get(code="VSS-DEMO-01")

    listed = client.get(reverse("procedures:list"))
    detail = client.get(reverse("procedures:detail", args=[demo.slug]))
    api_list = client.get("/api/v1/procedures/", {"page_size": 100, "include_total": "true"}).json()
    api_detail = client.get(f"/api/v1/procedures/{demo.slug}/")

    assert demo.is_demo
    assert demo.slug not in {p.slug for p in listed.context["procedures"]}
    assert detail.status_code == 404
    assert demo.slug not in {item["slug"] for item in api_list["results"]}
    assert api_list["total"] == len(TIME_LIMITS) - 1  # sickness has two versions
    assert api_detail.status_code == 404
    # make run can still try the field-inspection rule at the counter.
    from dossiers.views.counter import CounterStartForm

    assert demo in CounterStartForm().fields["procedure"].queryset


def test_migration_flags_a_demo_procedure_loaded_with_the_old_catalogue(catalogue, tmp_path):
    """Databases loaded before: the demo came with the catalogue, re-issue had no 45 days."""
    import importlib
    import json

    from django.apps import apps

    from procedures.services import DEMO_CATALOGUE_PATH, catalogue_load

    migration = importlib.import_module(
        "procedures.migrations.0004_demo_flag_and_verification_limit"
    )
    old_demo = json.loads(DEMO_CATALOGUE_PATH.read_text(encoding="utf-8"))
    for item in old_demo:
        item.pop("is_demo")
        item.pop("is_published")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old_demo), encoding="utf-8")
    catalogue_load(path=path)
    ProcedureVersion.objects.filter(procedure__code="VSS-SIB-01").update(
        verification_time_limit=None
    )
    assert Procedure.objects.get(code="VSS-DEMO-01").is_published

    migration.mark_demo_and_reissue_limit(apps, None)

    demo = Procedure.objects.get(code="VSS-DEMO-01")
    assert (demo.is_demo, demo.is_published) == (True, False)
    reissue = ProcedureVersion.objects.get(procedure__code="VSS-SIB-01")
    assert reissue.verification_time_limit == 45

"""A supervisor opens the dashboard, filters by province, drills into the overdue dossiers
and downloads the XLSX export. The page runs in Vietnamese; labels are looked up through
Django's translation of their English source, as in test_workflow.py.
"""

import datetime as dt
import io

import pytest
import time_machine
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.constants import Role
from dashboards.services import rollups_mark_dossier
from dashboards.tasks import rollups_refresh_today
from offices.geography import province_name
from tests.dashboards.conftest import (  # noqa: F401 - fixtures
    NOW,
    base_office,
    dataset,
    rolled_up,
    targets,
)
from tests.dossiers.factories import make_dossier
from tests.factories import PASSWORD, UserFactory


def _vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


@pytest.fixture
def national_supervisor(db):
    return UserFactory(username="giam-sat", role=Role.SUPERVISOR, full_name="Phạm Thu Hà")


def test_supervisor_filters_drills_into_overdue_and_downloads_xlsx(
    page,
    login,
    catalogue,
    rolled_up,  # noqa: F811 - the fixture imported above
    national_supervisor,
):
    login(national_supervisor.username, PASSWORD)
    page.goto("/dashboards/")
    expect(page.get_by_role("heading", name=_vi("Dashboard"), level=1)).to_be_visible()

    # Choose November 2026 and the province of Hà Nội.
    page.get_by_role("textbox", name=_vi("From"), exact=True).fill("2026-11-01")
    page.get_by_role("textbox", name=_vi("To"), exact=True).fill("2026-11-30")
    page.get_by_role("combobox", name=_vi("Province"), exact=True).select_option("1")
    page.get_by_test_id("apply-filters").click()

    expect(page.get_by_test_id("dashboard-scope")).to_contain_text(province_name(1))
    expect(page.get_by_test_id("value-received")).to_have_text("6")
    expect(page.get_by_test_id("value-on_time_rate")).to_have_text("75,0%")
    expect(page.get_by_test_id("value-overdue_now")).to_have_text("2")
    # Every chart has its table and a text alternative.
    charts = page.locator("svg.chart[role=img]")
    expect(charts).to_have_count(5)  # 2 weekly, 2 monthly, the ranking
    for index in range(charts.count()):
        assert charts.nth(index).locator(":scope > title").text_content()
        assert charts.nth(index).locator(":scope > desc").text_content()
    expect(page.get_by_role("img", name=_vi("Dossiers received per week"))).to_be_visible()
    for table in ("table-week", "table-month", "ranking-table"):
        expect(page.get_by_test_id(table)).to_be_attached()

    # Drill into the overdue dossiers.
    page.get_by_test_id("drill-overdue_now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_vi("Overdue now"))
    table = page.get_by_test_id("drill-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text(rolled_up["d4"].code)
    expect(table).to_contain_text(rolled_up["d10"].code)
    page.get_by_role("link", name=_vi("Back to the dashboard")).click()
    expect(page.get_by_test_id("value-received")).to_have_text("6")

    # Download the XLSX export of what is on screen.
    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    download = download_info.value
    assert download.suggested_filename == "vss-dashboard-20261101-20261130.xlsx"
    book = load_workbook(io.BytesIO(download.path().read_bytes()))
    rows = [[c.value for c in row] for row in book["Figures"].iter_rows()]
    described = [row[1] for row in rows if row[0] and row[1] and row[0] != "group"]
    assert province_name(1) in described
    by_key = {row[1]: row for row in rows if row and len(row) > 3}
    assert by_key["received"][3] == 6
    assert by_key["overdue_now"][3] == 2
    assert by_key["on_time_rate"][3] == 75.0


@pytest.fixture
def pinned_clock():
    """Tue 1 December 2026 10:00 in Hà Nội, ticking (the browser needs a moving clock)."""
    with time_machine.travel(NOW, tick=True):
        yield


def test_dashboard_says_when_figures_were_computed_and_the_next_refresh(
    pinned_clock,
    page,
    login,
    catalogue,
    offices,
    rolled_up,  # noqa: F811 - the fixture imported above
    national_supervisor,
):
    # A dossier received a minute ago reaches today's figures at the next live refresh.
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state="received",
        office=offices[1],
        received_at=NOW - dt.timedelta(minutes=1),
    )
    rollups_mark_dossier(dossier=dossier)
    rollups_refresh_today()

    login(national_supervisor.username, PASSWORD)
    page.goto("/dashboards/?start=2026-12-01&end=2026-12-01")
    expect(page.get_by_test_id("value-received")).to_have_text("1")
    expect(page.get_by_test_id("computed-at")).to_have_text(
        _vi("Figures computed at %(moment)s.") % {"moment": "10:00 01/12/2026"}
    )
    expect(page.get_by_test_id("next-refresh")).to_have_text(
        _vi("Next refresh due at %(moment)s.") % {"moment": "10:01 01/12/2026"}
    )

    # A past period is recomputed by the nightly run; its target notes read in Vietnamese.
    page.goto("/dashboards/?start=2026-11-01&end=2026-11-30")
    expect(page.get_by_test_id("value-received")).to_have_text("7")
    expect(page.get_by_test_id("next-refresh")).to_have_text(
        _vi("Next refresh due at %(moment)s.") % {"moment": "01:30 02/12/2026"}
    )
    expect(page.get_by_test_id("figure-electronic_share")).to_contain_text(
        "Chỉ tiêu năm 2026: 80% hồ sơ được giải quyết trực tuyến."
    )

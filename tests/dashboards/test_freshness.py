"""Today's figures are live: a minute-by-minute roll-up of today's changes, with every
figure set (page, CSV, XLSX, open data) saying when it was computed and the page saying
when the next refresh is due. The clock is pinned (conftest `_clock`: Tue 1/12/2026 10:00).
"""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dashboards.models import DailyRollup, RollupDay, RollupDirtyDay
from dashboards.services import rollups_mark_dirty, rollups_mark_dossier
from dashboards.tasks import rollups_refresh_today
from tests.dossiers.factories import make_dossier

from .conftest import NOVEMBER_QUERY, NOW
from .test_views import _value

pytestmark = pytest.mark.django_db

INDEX = reverse("dashboards:index")
TODAY_QUERY = "start=2026-12-01&end=2026-12-01"


def _vi(text: str) -> str:
    with translation.override("vi"):
        return translation.gettext(text)


@pytest.fixture
def received_a_minute_ago(catalogue, offices):
    dossier = make_dossier(
        procedure=catalogue["sickness-benefit"],
        state="received",
        office=offices[1],
        received_at=NOW - dt.timedelta(minutes=1),
    )
    rollups_mark_dossier(dossier=dossier)  # what the reception does on commit
    return dossier


def test_a_dossier_received_a_minute_ago_shows_after_the_live_refresh(
    client, supervisor, received_a_minute_ago
):
    client.force_login(supervisor)
    assert _value(client.get(f"{INDEX}?{TODAY_QUERY}").content.decode(), "received") == "0"

    with time_machine.travel(NOW + dt.timedelta(seconds=20), tick=False):
        rollups_refresh_today()  # beat: every minute

    html = client.get(f"{INDEX}?{TODAY_QUERY}").content.decode()
    assert _value(html, "received") == "1"
    assert _vi("Figures computed at %(moment)s.") % {"moment": "10:00 01/12/2026"} in html
    # The next live refresh is a minute after the last one.
    assert _vi("Next refresh due at %(moment)s.") % {"moment": "10:01 01/12/2026"} in html


def test_live_refresh_is_every_minute_and_reads_only_today(offices, received_a_minute_ago):
    live = settings.CELERY_BEAT_SCHEDULE["dashboards-rollups-live"]
    assert live["task"] == "dashboards.tasks.rollups_refresh_today"
    assert live["schedule"] == 60
    yesterday = dt.date(2026, 11, 30)
    rollups_mark_dirty(days=[yesterday], office_id=offices[1].pk)

    rollups_refresh_today()

    # Today's slice is rolled up; history waits for the 5-minute queue and the nightly run.
    assert DailyRollup.objects.filter(day=dt.date(2026, 12, 1)).count() == 1
    assert not RollupDay.objects.filter(day=yesterday).exists()
    assert list(RollupDirtyDay.objects.values_list("day", flat=True)) == [yesterday]


def test_a_quiet_minute_moves_todays_computed_time_on(client, supervisor, received_a_minute_ago):
    rollups_refresh_today()
    with time_machine.travel(NOW + dt.timedelta(minutes=3), tick=False):
        rollups_refresh_today()  # nothing changed since
        client.force_login(supervisor)
        html = client.get(f"{INDEX}?{TODAY_QUERY}").content.decode()
    assert _value(html, "received") == "1"
    assert _vi("Figures computed at %(moment)s.") % {"moment": "10:03 01/12/2026"} in html
    assert _vi("Next refresh due at %(moment)s.") % {"moment": "10:04 01/12/2026"} in html


def test_a_past_period_is_next_refreshed_by_the_nightly_run(client, rolled_up, supervisor):
    client.force_login(supervisor)
    html = client.get(f"{INDEX}?{NOVEMBER_QUERY}").content.decode()
    assert _vi("Figures computed at %(moment)s.") % {"moment": "10:00 01/12/2026"} in html
    assert _vi("Next refresh due at %(moment)s.") % {"moment": "01:30 02/12/2026"} in html


def test_page_query_count_with_today_in_the_period(
    client, rolled_up, supervisor, received_a_minute_ago
):
    client.force_login(supervisor)
    rollups_refresh_today()
    client.get(INDEX)  # warm up sessions and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{INDEX}?start=2026-11-01&end=2026-12-01")
    assert _value(response.content.decode(), "received") == "8"  # November's 7 and today's 1
    on_dossiers = [q["sql"] for q in queries if '"dossiers_dossier"' in q["sql"]]
    assert len(on_dossiers) == 1  # "overdue now" only
    assert len(queries) <= 20


# --- Target notes -------------------------------------------------------------------------


def test_target_notes_are_in_the_readers_language(client, rolled_up, supervisor):
    client.force_login(supervisor)
    vi = client.get(f"{INDEX}?{NOVEMBER_QUERY}").content.decode()
    assert "Chỉ tiêu năm 2026: 80% hồ sơ được giải quyết trực tuyến." in vi
    assert "2026 target: 80% of dossiers processed online." not in vi
    en = client.get(f"{INDEX}?{NOVEMBER_QUERY}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2026 target: 80% of dossiers processed online." in en


def test_an_edited_target_note_is_shown_as_typed(client, rolled_up, supervisor):
    from dashboards.models import Target

    Target.objects.filter(key="online_share").update(note="Ghi chú riêng của tỉnh.")
    client.force_login(supervisor)
    html = client.get(f"{INDEX}?{NOVEMBER_QUERY}").content.decode()
    assert "Ghi chú riêng của tỉnh." in html


# --- Exports and open data ----------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))


def test_csv_headers_in_vietnamese_with_the_computed_time(client, rolled_up, supervisor):
    client.force_login(supervisor)
    rows = _csv(client.get(reverse("dashboards:export_csv") + "?" + NOVEMBER_QUERY))
    header = rows[0]
    assert header[:4] == ["Nhóm", "Mã", "Chỉ số", "Giá trị"]
    assert header[-1] == "Tính lúc"
    assert "received_outside_residence" not in header
    assert {row[-1] for row in rows[1:]} == {"2026-12-01T10:00:00+07:00"}


def test_csv_headers_in_english_for_an_english_reader(client, rolled_up, supervisor):
    client.force_login(supervisor)
    response = client.get(
        reverse("dashboards:export_csv") + "?" + NOVEMBER_QUERY, HTTP_ACCEPT_LANGUAGE="en"
    )
    header = _csv(response)[0]
    assert header[:4] == ["Group", "Code", "Figure", "Value"]
    assert header[-1] == "Computed at"


def test_xlsx_says_when_the_figures_were_computed_and_has_vietnamese_headers(
    client, rolled_up, supervisor
):
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:export_xlsx") + "?" + NOVEMBER_QUERY)
    book = load_workbook(io.BytesIO(response.content))
    cells = [[c.value for c in row] for row in book["Figures"].iter_rows()]
    assert ["Chỉ số được tính lúc", "10:00 01/12/2026"] == cells[
        [row[0] for row in cells].index("Chỉ số được tính lúc")
    ][:2]
    assert ["Nhóm", "Mã", "Chỉ số"] in [row[:3] for row in cells]
    offices = [[c.value for c in row] for row in book["Offices"].iter_rows()]
    assert offices[0][:3] == ["Thứ hạng", "Cơ quan", "Mã tỉnh"]
    weeks = [[c.value for c in row] for row in book["Weeks"].iter_rows()]
    assert weeks[0][:2] == ["Từ ngày", "Đến ngày"]


def test_open_data_carries_its_computed_time(client, rolled_up):
    api = client.get(reverse("dashboards_api:open_data") + "?year=2026").json()
    assert api["computed_at"] == "2026-12-01T10:00:00+07:00"

    rows = _csv(client.get(reverse("dashboards:open_data_csv") + "?year=2026"))
    # Stable machine column names, with the computed time as the last column.
    assert rows[0][0] == "province_code"
    assert rows[0][-1] == "computed_at"
    assert {row[-1] for row in rows[1:]} == {"2026-12-01T10:00:00+07:00"}

    page = client.get(reverse("dashboards:open_data") + "?year=2026").content.decode()
    assert _vi("Figures computed at %(moment)s.") % {"moment": "10:00 01/12/2026"} in page


def test_open_data_of_a_year_never_computed_has_no_time(client, db):
    api = client.get(reverse("dashboards_api:open_data") + "?year=2025").json()
    assert api["computed_at"] is None


def test_a_quiet_morning_is_not_reported_as_missing(client, supervisor, db):
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 5, tzinfo=NOW.tzinfo), tick=False):
        rollups_refresh_today()  # nothing happened yet today
        client.force_login(supervisor)
        html = client.get(f"{INDEX}?{TODAY_QUERY}").content.decode()
    assert _value(html, "received") == "0"
    assert "warn-box" not in html
    assert _vi("Figures computed at %(moment)s.") % {"moment": "00:05 01/12/2026"} in html

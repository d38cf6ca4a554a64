"""CSV and XLSX exports: the same figures as the page, scoped the same way."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dashboards.exports import FIGURE_COLUMNS, OFFICE_COLUMNS, _cell

from .conftest import NOVEMBER_QUERY

pytestmark = pytest.mark.django_db


NAMES = (
    "group",
    "key",
    "figure",
    "value",
    "unit",
    "numerator",
    "denominator",
    "target",
    "target_comparison",
    "status",
    "status_label",
    "computed_at",
)


def _in(language: str, columns) -> list[str]:
    with translation.override(language):
        return [str(c) for c in columns]


def _csv_rows(response, language: str = "vi") -> dict[str, dict]:
    """The figure rows by code; the header is checked to be in the reader's language."""
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    assert next(reader) == _in(language, FIGURE_COLUMNS)
    return {row[1]: dict(zip(NAMES, row, strict=True)) for row in reader}


def test_csv_export_has_every_figure_with_its_target(client, rolled_up, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:export_csv") + "?" + NOVEMBER_QUERY)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="vss-dashboard-20261101-20261130.csv"' in response["Content-Disposition"]
    rows = _csv_rows(response)
    # volume 4, timeliness 7, channels 5, one-stop 4, waiting 6, satisfaction 6, pay 1
    assert len(rows) == 33
    picked = {
        key: (
            rows[key]["value"],
            rows[key]["numerator"],
            rows[key]["denominator"],
            rows[key]["target"],
            rows[key]["status"],
        )
        for key in (
            "received",
            "on_time_rate",
            "late_apologised",
            "boundary_free_procedures",
            "received_outside_residence",
            "non_cash",
            "wait_time",
        )
    }
    assert picked == {
        "received": ("7", "", "", "", "none"),
        "on_time_rate": ("80.0", "4", "5", "100.0", "off"),
        "late_apologised": ("20.0", "1", "5", "", "none"),
        "boundary_free_procedures": ("95.0", "19", "20", "100.0", "off"),
        "received_outside_residence": ("14.2", "1", "7", "", "none"),
        "non_cash": ("75.0", "3", "4", "68.0", "on"),
        "wait_time": ("", "", "0", "15.0", "no_data"),
    }
    assert rows["processing_p90"]["value"] == "5.0"


def test_csv_export_is_scoped_like_the_page(client, rolled_up, leader_hcm, offices):
    client.force_login(leader_hcm)
    url = reverse("dashboards:export_csv") + f"?{NOVEMBER_QUERY}&office={offices[1].pk}"
    rows = _csv_rows(client.get(url))
    assert (rows["received"]["value"], rows["returned"]["value"]) == ("1", "1")
    assert rows["overdue_now"]["value"] == "0"


def test_xlsx_export(client, rolled_up, supervisor, offices):
    client.force_login(supervisor)
    response = client.get(reverse("dashboards:export_xlsx") + f"?{NOVEMBER_QUERY}&channel=online")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Figures", "Offices", "Weeks", "Months"]

    figures = book["Figures"]
    cells = [[c.value for c in row] for row in figures.iter_rows()]
    header = cells.index(_in("vi", FIGURE_COLUMNS))
    by_key = {row[1]: row for row in cells[header + 1 :]}
    assert by_key["received"][3] == 3  # online only: d1, d5, d10
    on_time = by_key["on_time_rate"]
    assert (on_time[3], on_time[5], on_time[6], on_time[7], on_time[9]) == (100.0, 3, 3, 100, "on")
    described = [row[1] for row in cells[:header] if row[0]]
    assert len(described) == 5  # scope, period, channel, computed at, generated at
    assert described[1] == "01/11/2026 – 30/11/2026"

    offices_fixture = offices
    offices = [[c.value for c in row] for row in book["Offices"].iter_rows()]
    # Online only: HN returned d1 (early) and d7 (on time), HCM d5 (on time): both 100%,
    # HN first for having returned more.
    assert [row[:2] for row in offices] == [
        _in("vi", OFFICE_COLUMNS)[:2],
        [1, offices_fixture[1].name],
        [2, offices_fixture[79].name],
    ]

    months = [[c.value for c in row] for row in book["Months"].iter_rows()]
    assert len(months) == 13
    assert months[-1][:4] == ["2026-11-01", "2026-11-30", 3, 3]


def test_formula_like_text_is_neutralised():
    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("-1") == "'-1"
    assert _cell(-1) == -1
    assert _cell("Hà Nội") == "Hà Nội"

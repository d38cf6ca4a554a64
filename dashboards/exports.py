"""CSV and XLSX exports of the dashboard and of the open data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import Unit
from .selectors.figures import Dashboard
from .selectors.trends import OfficeRank, TrendPoint

FIGURE_COLUMNS = (
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
)


def _cell(value):
    """A value safe to open in a spreadsheet: text starting like a formula is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def figure_rows(dashboard: Dashboard) -> list[list]:
    rows = []
    for group in dashboard.groups:
        for figure in (*group.figures, *group.breakdown):
            target = figure.target
            rows.append(
                [
                    str(group.title),
                    figure.key,
                    str(figure.label),
                    figure.value,
                    str(Unit(figure.unit).label),
                    figure.numerator,
                    figure.denominator,
                    float(target.value) if target else None,
                    target.get_comparison_display() if target else None,
                    figure.status,
                    figure.status_label,
                ]
            )
    return rows


def ranking_rows(ranking: Sequence[OfficeRank]) -> list[list]:
    return [
        [
            index,
            o.name,
            o.province_code,
            o.received,
            o.returned_timed,
            o.timely,
            o.late,
            o.on_time_rate,
        ]
        for index, o in enumerate(ranking, start=1)
    ]


def trend_rows(points: Sequence[TrendPoint]) -> list[list]:
    return [
        [
            p.start.isoformat(),
            p.end.isoformat(),
            p.received,
            p.electronic,
            p.electronic_share,
            p.returned_timed,
            p.timely,
            p.on_time_rate,
        ]
        for p in points
    ]


def _csv(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: spreadsheet programs then read UTF-8 Vietnamese correctly
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return buffer.getvalue()


def dashboard_csv(dashboard: Dashboard) -> str:
    return _csv(FIGURE_COLUMNS, figure_rows(dashboard))


def rows_csv(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    return _csv(header, rows)


def dashboard_xlsx(
    *,
    dashboard: Dashboard,
    description: Sequence[tuple[str, str]],
    ranking: Sequence[OfficeRank],
    weekly: Sequence[TrendPoint],
    monthly: Sequence[TrendPoint],
) -> bytes:
    """A workbook: figures (with the filters on top), office ranking, weeks, months."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "Figures"
    for label, value in [*description, (_("Generated at"), _local_now())]:
        sheet.append([_cell(str(label)), _cell(str(value))])
    sheet.append([])
    sheet.append(list(FIGURE_COLUMNS))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in figure_rows(dashboard):
        sheet.append([_cell(v) for v in row])
    sheet.column_dimensions["C"].width = 48

    offices = book.create_sheet("Offices")
    offices.append(
        [
            "rank",
            "office",
            "province_code",
            "received",
            "returned_timed",
            "early_or_on_time",
            "late",
            "on_time_rate",
        ]
    )
    for row in ranking_rows(ranking):
        offices.append([_cell(v) for v in row])
    offices.column_dimensions["B"].width = 48

    trend_header = [
        "start",
        "end",
        "received",
        "electronic",
        "electronic_share",
        "returned_timed",
        "early_or_on_time",
        "on_time_rate",
    ]
    for title, points in (("Weeks", weekly), ("Months", monthly)):
        trend = book.create_sheet(title)
        trend.append(trend_header)
        for row in trend_rows(points):
            trend.append(row)
    for ws in book.worksheets:
        for cell in ws[1 if ws.title != "Figures" else len(description) + 3]:
            cell.font = bold
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _local_now() -> str:
    return timezone.localtime().strftime("%H:%M %d/%m/%Y")

"""CSV and XLSX exports of the dashboard and of the open data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import Unit
from .selectors.figures import Dashboard
from .selectors.trends import OfficeRank, TrendPoint

# Column headers in the reader's language (the active language of the request).
FIGURE_COLUMNS = (
    _("Group"),
    _("Code"),
    _("Figure"),
    _("Value"),
    _("Unit of measure"),
    _("Numerator"),
    _("Denominator"),
    _("Target"),
    _("Target comparison"),
    _("Status"),
    _("Status label"),
    _("Computed at"),
)
OFFICE_COLUMNS = (
    _("Rank"),
    _("Office"),
    _("Province code"),
    _("Received"),
    _("Returned with a timeliness"),
    _("Early or on time"),
    _("Late"),
    _("On-time rate"),
)
TREND_COLUMNS = (
    _("Start"),
    _("End"),
    _("Received"),
    _("Received electronically"),
    _("Electronic share"),
    _("Returned with a timeliness"),
    _("Early or on time"),
    _("On-time rate"),
)
# Open data keeps its stable machine column names (the data dictionary) and adds this one.
OPEN_DATA_COMPUTED_AT = "computed_at"


def computed_at_text(moment: dt.datetime | None) -> str:
    """A refresh time as local ISO 8601 (empty when nothing was computed)."""
    if moment is None:
        return ""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _header(columns: Sequence) -> list[str]:
    return [str(c) for c in columns]


def _cell(value):
    """A value safe to open in a spreadsheet: text starting like a formula is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def figure_rows(dashboard: Dashboard) -> list[list]:
    computed_at = computed_at_text(dashboard.refreshed_at)
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
                    computed_at,
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
    return _csv(_header(FIGURE_COLUMNS), figure_rows(dashboard))


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
    computed = dashboard.refreshed_at
    meta = [
        (_("Figures computed at"), _local(computed) if computed else "—"),
        (_("Generated at"), _local(timezone.now())),
    ]
    for label, value in [*description, *meta]:
        sheet.append([_cell(str(label)), _cell(str(value))])
    sheet.append([])
    sheet.append(_header(FIGURE_COLUMNS))
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in figure_rows(dashboard):
        sheet.append([_cell(v) for v in row])
    sheet.column_dimensions["C"].width = 48

    offices = book.create_sheet("Offices")
    offices.append(_header(OFFICE_COLUMNS))
    for row in ranking_rows(ranking):
        offices.append([_cell(v) for v in row])
    offices.column_dimensions["B"].width = 48

    trend_header = _header(TREND_COLUMNS)
    for title, points in (("Weeks", weekly), ("Months", monthly)):
        trend = book.create_sheet(title)
        trend.append(trend_header)
        for row in trend_rows(points):
            trend.append(row)
    for ws in book.worksheets:
        for cell in ws[1 if ws.title != "Figures" else len(description) + len(meta) + 2]:
            cell.font = bold
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")

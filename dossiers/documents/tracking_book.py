"""The tracking book (sổ theo dõi hồ sơ, form 06 of Circular 01/2018/TT-VPCP) as PDF and XLSX.

The PDF is the legal register: A4 landscape with the form's Vietnamese headings, like the
other forms. The spreadsheet is a working copy: its headers are in the reader's language.
Both take the rows of `dossiers.selectors.tracking_book_dossiers` (a bounded period).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from ..constants import DossierState, Timeliness
from ..models import Dossier
from ..selectors import BOOK_CLOSED_NOTES, book_processing_units
from .rendering import render_pdf, slip_header_context

TEMPLATE = "dossiers/slips/tracking_book.html"

RESULT_LABELS_VI = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}
NOTE_LABELS_VI = {
    DossierState.REFUSED: "Từ chối tiếp nhận",
    DossierState.WITHDRAWN: "Công dân rút hồ sơ",
    DossierState.STOPPED: "Dừng xử lý",
}


@dataclass(frozen=True)
class BookRow:
    number: int
    code: str
    procedure_vi: str
    procedure_en: str
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    paper_sets: int
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    new_due_at: dt.datetime | None
    processing_units: list[str]
    returned_at: dt.datetime | None
    timeliness: str
    state: str
    reason: str

    @property
    def timeliness_label(self) -> str:
        return str(Timeliness(self.timeliness).label) if self.timeliness else ""

    @property
    def note(self) -> str:
        if self.state in BOOK_CLOSED_NOTES:
            label = str(DossierState(self.state).label)
            return f"{label}: {self.reason}" if self.reason else label
        return ""

    @property
    def note_vi(self) -> str:
        if self.state in BOOK_CLOSED_NOTES:
            label = NOTE_LABELS_VI[self.state]
            return f"{label}: {self.reason}" if self.reason else label
        return ""


def book_row(number: int, dossier: Dossier) -> BookRow:
    first_due = dossier.statutory_appointment
    return BookRow(
        number=number,
        code=dossier.code or "",
        procedure_vi=dossier.procedure.name_vi,
        procedure_en=dossier.procedure.name_en or dossier.procedure.name_vi,
        applicant_name=dossier.applicant_name,
        applicant_address=dossier.applicant_address,
        applicant_phone=dossier.applicant_phone,
        paper_sets=dossier.paper_sets,
        received_at=dossier.received_at or dossier.submitted_at,
        due_at=first_due,
        new_due_at=dossier.due_at if dossier.due_at and dossier.due_at != first_due else None,
        processing_units=book_processing_units(dossier),
        returned_at=dossier.returned_at,
        timeliness=dossier.timeliness,
        state=dossier.state,
        reason=dossier.stop_reason,
    )


def _vn(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def render_tracking_book_pdf(*, office, start: dt.date, end: dt.date, rows: list[BookRow]) -> bytes:
    """Form 06 on A4 landscape: one line per dossier, result early/on time/late ticked."""
    context = {
        **slip_header_context(office, at=timezone.now()),
        "title": "Sổ theo dõi hồ sơ",
        "office_name": office.name,
        "period": f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}",
        "rows": [
            {
                "row": row,
                "received": _vn(row.received_at),
                "due": _vn(row.due_at),
                "new_due": _vn(row.new_due_at),
                "returned": _vn(row.returned_at),
                "early": row.timeliness == Timeliness.EARLY,
                "on_time": row.timeliness == Timeliness.ON_TIME,
                "late": row.timeliness == Timeliness.LATE,
                "result_label": RESULT_LABELS_VI.get(row.timeliness, ""),
            }
            for row in rows
        ],
    }
    return render_pdf(TEMPLATE, context, language="vi")


def _cell(value):
    """Text safe to open in a spreadsheet: a value starting like a formula is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def xlsx_headers() -> list[str]:
    return [
        _("No."),
        _("Dossier code"),
        _("Procedure"),
        _("Applicant"),
        _("Address"),
        _("Phone"),
        _("Number of sets"),
        _("Received at"),
        _("Appointed return"),
        _("New appointed return"),
        _("Hand-overs / processing unit"),
        _("Returned at"),
        _("Result"),
        _("Signature of the person receiving the result"),
        _("Note"),
    ]


def tracking_book_xlsx(
    *, office, start: dt.date, end: dt.date, rows: Iterable[BookRow], english: bool
) -> bytes:
    """The book as a workbook (write-only: memory stays flat however long the period)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Tracking book")[:31])
    bold = Font(bold=True)
    sheet.append([_cell(office.name)])
    sheet.append(
        [
            _("From"),
            start.strftime("%d/%m/%Y"),
            _("To"),
            end.strftime("%d/%m/%Y"),
            _("Computed at"),  # the book is read from live data: say when
            _vn(timezone.now()),
        ]
    )
    sheet.append([])
    header = []
    for title in xlsx_headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(
            [
                row.number,
                row.code,
                _cell(row.procedure_en if english else row.procedure_vi),
                _cell(row.applicant_name),
                _cell(row.applicant_address),
                _cell(row.applicant_phone),
                row.paper_sets,
                _vn(row.received_at),
                _vn(row.due_at),
                _vn(row.new_due_at),
                _cell("; ".join(row.processing_units)),
                _vn(row.returned_at),
                row.timeliness_label,
                "",
                _cell(row.note),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

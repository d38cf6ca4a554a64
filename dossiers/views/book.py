"""The tracking book (sổ theo dõi hồ sơ, form 06): a page per office and period, PDF and XLSX.

Staff see their own office's book; supervisors choose an office in their scope. The page
is keyset-paginated (100 lines a page, independent of the table's size); the exports take
at most a month and a bounded number of lines. Bad input gets field messages (400).
"""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.constants import STAFF_ROLES

from ..documents.tracking_book import book_row, render_tracking_book_pdf, tracking_book_xlsx
from ..forms import TrackingBookForm
from ..selectors import (
    BOOK_EXPORT_MAX_DAYS,
    BOOK_EXPORT_MAX_ROWS,
    BOOK_MAX_DAYS,
    BOOK_PDF_MAX_ROWS,
    tracking_book_dossiers,
    tracking_book_offices,
    tracking_book_page,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form(request, *, max_days: int) -> TrackingBookForm:
    if request.user.role not in STAFF_ROLES:
        raise Http404
    offices = tracking_book_offices(request.user)
    if not offices.exists():
        raise Http404
    data = request.GET.copy()
    if not {"start", "end", "office"} & set(data):
        today = timezone.localdate()
        data.update({"start": today.replace(day=1).isoformat(), "end": today.isoformat()})
    if not data.get("office"):
        data["office"] = str(request.user.office_id or offices.first().pk)
    return TrackingBookForm(data, offices=offices, max_days=max_days)


def _page(request, form, *, status=200, rows=(), following=""):
    return render(
        request,
        "dossiers/tracking_book.html",
        {
            "form": form,
            "rows": rows,
            "following": following,
            "single_office": form.fields["office"].queryset.count() == 1,
            "export_days": BOOK_EXPORT_MAX_DAYS,
        },
        status=status,
    )


@login_required
@require_GET
def tracking_book(request):
    form = _form(request, max_days=BOOK_MAX_DAYS)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    page, following = tracking_book_page(
        office=data["office"],
        start=data["start"],
        end=data["end"],
        after=request.GET.get("after", "")[:100],
    )
    rows = [book_row(number, dossier) for number, dossier in page]
    return _page(request, form, rows=rows, following=following)


def _export_rows(request, *, limit: int):
    """The rows to export, or the page with a field message when the period is too long."""
    form = _form(request, max_days=BOOK_EXPORT_MAX_DAYS)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    dossiers = tracking_book_dossiers(office=data["office"], start=data["start"], end=data["end"])
    count = dossiers.count()
    if count > limit:
        form.add_error(
            "end",
            _(
                "This period has %(count)d dossiers; an export takes at most %(limit)d. "
                "Choose a shorter period."
            )
            % {"count": count, "limit": limit},
        )
        return form, None
    return form, [book_row(n, d) for n, d in enumerate(dossiers.iterator(chunk_size=500), 1)]


def _filename(data, extension: str) -> str:
    start: dt.date = data["start"]
    end: dt.date = data["end"]
    return f"so-theo-doi-ho-so-{data['office'].pk}-{start:%Y%m%d}-{end:%Y%m%d}.{extension}"


@login_required
@require_GET
def tracking_book_pdf(request):
    form, rows = _export_rows(request, limit=BOOK_PDF_MAX_ROWS)
    if rows is None:
        return _page(request, form, status=400)
    data = form.cleaned_data
    pdf = render_tracking_book_pdf(
        office=data["office"], start=data["start"], end=data["end"], rows=rows
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(data, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def tracking_book_xlsx_download(request):
    form, rows = _export_rows(request, limit=BOOK_EXPORT_MAX_ROWS)
    if rows is None:
        return _page(request, form, status=400)
    data = form.cleaned_data
    content = tracking_book_xlsx(
        office=data["office"],
        start=data["start"],
        end=data["end"],
        rows=rows,
        english=translation.get_language() == "en",
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(data, "xlsx")}"'
    response["Cache-Control"] = "private, no-store"
    return response

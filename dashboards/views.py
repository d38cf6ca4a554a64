"""Dashboard pages: figures with filters, drill-down, exports, and the public open data."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dossiers.constants import Channel
from offices.geography import province_name
from offices.models import Office
from procedures.models import Procedure

from . import svg
from .constants import OPEN_DATA_MIN_CELL, Drill
from .exports import (
    OPEN_DATA_COMPUTED_AT,
    computed_at_text,
    dashboard_csv,
    dashboard_xlsx,
    rows_csv,
)
from .forms import DashboardFilterForm, OpenDataForm
from .models import Target
from .selectors import (
    DICTIONARY,
    dashboard_figures,
    dashboard_scope,
    drill_page,
    monthly_trend,
    office_ranking,
    open_data_computed_at,
    open_data_rows,
    weekly_trend,
)
from .selectors.open_data import DICTIONARY_FIELDS
from .selectors.scope import NATIONAL, OFFICE, PROVINCE, Filters, Scope
from .templatetags.dashboard_tags import target_text

FILTER_KEYS = ("start", "end", "province", "office", "procedure", "channel")


def _filters(request, scope: Scope) -> tuple[DashboardFilterForm, Filters]:
    form = DashboardFilterForm(request.GET, scope=scope)
    return form, form.filters()


def _query(filters: Filters, **extra) -> str:
    params = {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "province": filters.province_code or "",
        "office": filters.office_id or "",
        "procedure": filters.procedure_id or "",
        "channel": filters.channel,
        **extra,
    }
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _scope_label(scope: Scope) -> str:
    if scope.level == OFFICE:
        office = Office.objects.filter(pk=scope.office_id).only("name").first()
        return _("Office: %(name)s") % {"name": office.name if office else ""}
    if scope.level == PROVINCE:
        return _("Province: %(name)s") % {"name": province_name(scope.province_code)}
    return _("Whole country")


def _description(scope: Scope, filters: Filters) -> list[tuple[str, str]]:
    """The scope and filters in words, for the page heading and the exports."""
    rows = [
        (_("Scope"), _scope_label(scope)),
        (
            _("Period"),
            f"{date_format(filters.start, 'd/m/Y')} – {date_format(filters.end, 'd/m/Y')}",
        ),
    ]
    if filters.province_code:
        rows.append((_("Province"), province_name(filters.province_code)))
    if filters.office_id:
        office = Office.objects.filter(pk=filters.office_id).only("name").first()
        rows.append((_("Competent office"), office.name if office else "—"))
    if filters.procedure_id:
        procedure = Procedure.objects.filter(pk=filters.procedure_id).first()
        rows.append((_("Procedure"), procedure.name if procedure else "—"))
    if filters.channel:
        rows.append((_("Channel"), str(Channel(filters.channel).label)))
    return rows


def _presets(filters: Filters, today: dt.date) -> list[tuple[str, str]]:
    first = today.replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    periods = [
        (_("This month"), first, today),
        (_("Last month"), last_month_end.replace(day=1), last_month_end),
        (_("This year"), today.replace(month=1, day=1), today),
    ]
    return [(label, "?" + _query(filters.with_period(start, end))) for label, start, end in periods]


def _week_label(point) -> str:
    return point.start.strftime("%d/%m")


def _month_label(point) -> str:
    return point.start.strftime("%m/%Y")


def _trend_charts(kind: str, points, label) -> dict:
    labels = [label(p) for p in points]
    title_received = (
        _("Dossiers received per week") if kind == "week" else _("Dossiers received per month")
    )
    title_rates = (
        _("On-time rate and electronic share per week")
        if kind == "week"
        else _("On-time rate and electronic share per month")
    )
    desc = _("From %(first)s to %(last)s. The table below gives every value.") % {
        "first": date_format(points[0].start, "d/m/Y"),
        "last": date_format(points[-1].end, "d/m/Y"),
    }
    return {
        "points": [(label(p), p) for p in points],
        "received": svg.bar_chart(
            chart_id=f"{kind}-received",
            title=title_received,
            desc=desc,
            labels=labels,
            values=[p.received for p in points],
        ),
        "rates": svg.line_chart(
            chart_id=f"{kind}-rates",
            title=title_rates,
            desc=desc,
            labels=labels,
            series=[
                svg.Series(_("On-time rate"), [p.on_time_rate for p in points]),
                svg.Series(
                    _("Received electronically"),
                    [p.electronic_share for p in points],
                    color=svg.ORANGE,
                    dash="5 3",
                    marker="square",
                ),
            ],
        ),
    }


def _ranking_chart(ranking, target: Target | None):
    shown = ranking[:15]
    return svg.ranking_chart(
        chart_id="ranking",
        title=_("On-time rate by competent office"),
        desc=_("The %(count)s offices with the highest on-time rate in the period.")
        % {"count": len(shown)},
        labels=[o.name for o in shown],
        values=[o.on_time_rate for o in shown],
        target=float(target.value) if target else None,
        target_label=_("target %(value)s") % {"value": target_text(target)} if target else "",
    )


@login_required
@require_GET
def index(request):
    scope = dashboard_scope(request.user)
    form, filters = _filters(request, scope)
    dashboard = dashboard_figures(scope=scope, filters=filters)
    weekly = weekly_trend(scope=scope, filters=filters)
    monthly = monthly_trend(scope=scope, filters=filters)
    ranking = office_ranking(scope=scope, filters=filters) if scope.level != OFFICE else []
    on_time_target = dashboard.figure("on_time_rate").target
    query = _query(filters)
    return render(
        request,
        "dashboards/index.html",
        {
            "form": form,
            "filters": filters,
            "scope": scope,
            "description": _description(scope, filters),
            "dashboard": dashboard,
            "query": query,
            "presets": _presets(filters, timezone.localdate()),
            "weekly": _trend_charts("week", weekly, _week_label),
            "monthly": _trend_charts("month", monthly, _month_label),
            "ranking": ranking,
            "ranking_chart": _ranking_chart(ranking, on_time_target) if ranking else "",
            "national": scope.level == NATIONAL,
        },
    )


@login_required
@require_GET
def drilldown(request):
    scope = dashboard_scope(request.user)
    drill = request.GET.get("drill", "")
    if drill not in Drill.values:
        raise Http404
    form, filters = _filters(request, scope)
    page = drill_page(
        drill=drill, scope=scope, filters=filters, after=request.GET.get("after", "")[:80]
    )
    return render(
        request,
        "dashboards/drilldown.html",
        {
            "drill": Drill(drill),
            "page": page,
            "filters": filters,
            "description": _description(scope, filters),
            "query": _query(filters),
            "next_query": _query(filters, drill=drill, after=page.next_cursor),
            "is_overdue": drill == Drill.OVERDUE,
            "now": timezone.now(),
        },
    )


def _dated_name(prefix: str, filters: Filters, ext: str) -> str:
    return f"{prefix}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{ext}"


@login_required
@require_GET
def export_csv(request):
    scope = dashboard_scope(request.user)
    _form, filters = _filters(request, scope)
    dashboard = dashboard_figures(scope=scope, filters=filters)
    response = HttpResponse(dashboard_csv(dashboard), content_type="text/csv; charset=utf-8")
    name = _dated_name("vss-dashboard", filters, "csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def export_xlsx(request):
    scope = dashboard_scope(request.user)
    _form, filters = _filters(request, scope)
    content = dashboard_xlsx(
        dashboard=dashboard_figures(scope=scope, filters=filters),
        description=_description(scope, filters),
        ranking=office_ranking(scope=scope, filters=filters) if scope.level != OFFICE else [],
        weekly=weekly_trend(scope=scope, filters=filters),
        monthly=monthly_trend(scope=scope, filters=filters),
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = _dated_name("vss-dashboard", filters, "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _open_data_query(request) -> tuple[OpenDataForm, int, int | None]:
    form = OpenDataForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["year"], form.cleaned_data.get("province")
    return form, timezone.localdate().year, None


@require_GET
def open_data(request):
    """Public page: aggregated figures per province and month, with the data dictionary."""
    form, year, province = _open_data_query(request)
    rows = open_data_rows(year=year, province_code=province)
    params = urlencode({k: v for k, v in {"year": year, "province": province or ""}.items() if v})
    return render(
        request,
        "dashboards/open_data.html",
        {
            "form": form,
            "year": year,
            "rows": rows,
            "fields": DICTIONARY_FIELDS,
            "dictionary": DICTIONARY,
            "min_cell": OPEN_DATA_MIN_CELL,
            "computed_at": open_data_computed_at(year=year),
            "english": (request.LANGUAGE_CODE or "vi").startswith("en"),
            "csv_url": f"{reverse('dashboards:open_data_csv')}?{params}",
            "api_url": f"{reverse('dashboards_api:open_data')}?{params}",
            "dictionary_api_url": reverse("dashboards_api:open_data_dictionary"),
        },
    )


@require_GET
def open_data_csv(request):
    _form, year, province = _open_data_query(request)
    rows = open_data_rows(year=year, province_code=province)
    computed_at = computed_at_text(open_data_computed_at(year=year))
    content = rows_csv(
        (*DICTIONARY_FIELDS, OPEN_DATA_COMPUTED_AT),
        ([*(row[f] for f in DICTIONARY_FIELDS), computed_at] for row in rows),
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    suffix = f"-{province:02d}" if province else ""
    response["Content-Disposition"] = f'attachment; filename="vss-open-data-{year}{suffix}.csv"'
    return response

"""Reads of the dashboards app: scope, figures, trends, drill-downs and open data."""

from .drilldown import DrillPage, drill_page, drill_queryset
from .figures import Dashboard, Figure, FigureGroup, dashboard_figures, overdue_now, share
from .open_data import DICTIONARY, open_data_computed_at, open_data_rows
from .scope import Filters, Scope, dashboard_scope
from .trends import OfficeRank, TrendPoint, monthly_trend, office_ranking, weekly_trend

__all__ = [
    "DICTIONARY",
    "Dashboard",
    "DrillPage",
    "Figure",
    "FigureGroup",
    "Filters",
    "OfficeRank",
    "Scope",
    "TrendPoint",
    "dashboard_figures",
    "dashboard_scope",
    "drill_page",
    "drill_queryset",
    "monthly_trend",
    "office_ranking",
    "open_data_computed_at",
    "open_data_rows",
    "overdue_now",
    "share",
    "weekly_trend",
]

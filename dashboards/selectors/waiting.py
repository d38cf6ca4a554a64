"""The counter wait against the 15-minute promise, read from the queue's tickets (issue #19)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from queues.statistics import wait_by_office_day_group, wait_summary

from ..constants import TargetKey, Unit
from .scope import Filters, Scope


def minutes_1(seconds: int | None) -> float | None:
    """Seconds as minutes to one decimal (half up)."""
    if seconds is None:
        return None
    return int(seconds * 10 / 60 + 0.5) / 10


def _filters(scope: Scope, filters: Filters) -> dict:
    province = filters.province_code if filters.province_code is not None else scope.province_code
    office = filters.office_id if filters.office_id is not None else scope.office_id
    return {
        "start": filters.start,
        "end": filters.end,
        "province_code": province,
        "office_id": office,
    }


def waiting_group(*, scope: Scope, filters: Filters, targets: dict, figure_cls, group_cls):
    """The "Waiting at the counter" figures; the queue has no procedure or channel, so those
    two filters do not narrow them."""
    where = _filters(scope, filters)
    summary = wait_summary(**where)
    target = targets.get(TargetKey.WAIT_TIME)
    note = _(
        "From taking a ticket to being called (from the appointment's time for a booking "
        "taken early), visitors called in the period."
    )
    figures = [
        figure_cls(
            "wait_time",
            _("Waiting time per transaction (90th percentile)"),
            minutes_1(summary.p90_seconds),
            Unit.MINUTES,
            denominator=summary.visitors,
            target=target,
            note=note,
        ),
        figure_cls(
            "wait_median",
            _("Median waiting time"),
            minutes_1(summary.median_seconds),
            Unit.MINUTES,
            denominator=summary.visitors,
            target=target,
        ),
        figure_cls.percent(
            "called_within_target",
            _("Visitors called within 15 minutes"),
            summary.within_target,
            summary.visitors,
        ),
        figure_cls("no_shows", _("Tickets called but not come"), summary.no_shows, Unit.COUNT),
        figure_cls(
            "wait_estimate_error",
            _("Estimated wait on tickets, median error"),
            minutes_1(summary.estimate_error_median_seconds),
            Unit.MINUTES,
            note=_("How far the wait printed on each ticket was from the wait measured."),
        ),
        figure_cls.percent(
            "appointments_punctual",
            _("Appointments served on time (within 5 minutes)"),
            summary.appointments_punctual,
            summary.appointments,
        ),
    ]
    names, per_group = {}, {}
    for row in wait_by_office_day_group(**where):
        names[row["group__code"]] = row["group__name"]
        totals = per_group.setdefault(row["group__code"], [0, 0])
        totals[0] += row["summary"].within_target
        totals[1] += row["summary"].visitors
    breakdown = [
        figure_cls.percent(f"called_within_target_{code}", names[code], part, whole)
        for code, (part, whole) in sorted(per_group.items())
    ]
    return group_cls(
        "waiting",
        _("Waiting at the counter"),
        figures,
        breakdown=breakdown,
        breakdown_title=_("Called within 15 minutes, per service group"),
    )

"""Formatting of dashboard figures: locale-aware numbers, units and target wording."""

from django import template
from django.utils.translation import gettext as _

from ..constants import SEEDED_TARGET_NOTES, Comparison, TargetUnit, Unit
from ..formatting import format_number

register = template.Library()


@register.filter
def num(value, decimals: int = 0) -> str:
    """A number in the active locale (12.345 and 3,5 in Vietnamese), or a dash."""
    return format_number(value, decimals)


@register.filter
def figure_value(figure) -> str:
    if figure.value is None:
        return "—"
    if figure.unit == Unit.PERCENT:
        return f"{num(figure.value, 1)}%"
    if figure.unit == Unit.WORKING_DAYS:
        return _("%(days)s working days") % {"days": num(figure.value, 1)}
    if figure.unit == Unit.SCORE:
        return f"{num(figure.value, 1)}/5"
    if figure.unit == Unit.TRIPS:
        return _("%(trips)s trips") % {"trips": num(figure.value, 1)}
    if figure.unit == Unit.MINUTES:
        return _("%(minutes)s min") % {"minutes": num(figure.value, 0)}
    return num(figure.value)


@register.filter
def target_text(target) -> str:
    """ "≥ 80%" or "≤ 15 min": the target as a reader expects it."""
    if target is None:
        return ""
    sign = "≤" if target.comparison == Comparison.AT_MOST else "≥"
    decimals = 0 if target.value == target.value.to_integral_value() else 1
    value = num(target.value, decimals)
    if target.unit == TargetUnit.PERCENT:
        return f"{sign} {value}%"
    return f"{sign} " + _("%(minutes)s min") % {"minutes": value}


@register.filter
def target_note(target) -> str:
    """The target's note in the reader's language when it is one of the seeded notes."""
    note = getattr(target, "note", "") or ""
    return _(note) if note in SEEDED_TARGET_NOTES else note

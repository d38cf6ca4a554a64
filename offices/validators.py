"""Checks of office data entered in the admin."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def validate_opening_hours(value) -> None:
    """A list of {"days": [ISO weekdays 1-7], "opens": "HH:MM", "closes": "HH:MM"}."""
    if not isinstance(value, list):
        raise ValidationError(_("Opening hours must be a list of periods."))
    for period in value:
        if not isinstance(period, dict) or set(period) != {"days", "opens", "closes"}:
            raise ValidationError(_("Each period needs exactly: days, opens, closes."))
        days = period["days"]
        if (
            not isinstance(days, list)
            or not days
            or not all(isinstance(d, int) and 1 <= d <= 7 for d in days)
        ):
            raise ValidationError(_("Days are ISO weekdays from 1 (Monday) to 7 (Sunday)."))
        opens, closes = period["opens"], period["closes"]
        if not all(isinstance(t, str) and _TIME.match(t) for t in (opens, closes)):
            raise ValidationError(_("Times are written HH:MM on a 24-hour clock."))
        if opens >= closes:
            raise ValidationError(_("A period closes after it opens."))

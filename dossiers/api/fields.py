"""Check form values sent through the API against the procedure version's field schema.

The same field definitions and validators as the filing wizard (`dossiers.forms.build_field`)
decide; the API adds what a form never receives: unknown names and nested values.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ErrorDetail, ValidationError

from procedures.models import ProcedureVersion

from ..forms import StepForm

SCALARS = (str, int, float, bool)


def clean_field_values(
    *,
    version: ProcedureVersion,
    values: dict[str, Any],
    known: dict[str, str],
    stored: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The values as the dossier stores them; ValidationError by `data.<field>` otherwise.

    Only the fields sent are checked (a draft is filled in parts); a required field sent
    empty is an error. Fields VSS already knows about the person cannot be changed (sending
    the value VSS holds is accepted and changes nothing). `stored` (a draft's values) takes
    part in the cross-field checks only: a CCCD sent alone is checked against the date of
    birth the draft already holds.
    """
    definitions = {d["name"]: d for d in version.field_definitions()}
    errors: dict[str, list[ErrorDetail]] = {}
    for name, value in values.items():
        definition = definitions.get(name)
        if definition is None:
            errors[name] = [ErrorDetail(_("This procedure has no such field."), "unknown_field")]
        elif definition.get("prefill") and known.get(definition["prefill"]):
            if str(value or "").strip() == str(known[definition["prefill"]]).strip():
                continue  # the value VSS holds, sent again: nothing to change
            errors[name] = [
                ErrorDetail(
                    _("VSS already knows this value; it cannot be changed here."), "known_field"
                )
            ]
        elif value is not None and not isinstance(value, SCALARS):
            errors[name] = [ErrorDetail(_("Give a single value."), "not_a_scalar")]
    if errors:
        raise ValidationError({"data": errors})
    form = StepForm(
        data={name: "" if value is None else value for name, value in values.items()},
        definitions=[definitions[name] for name in values],
        # Known values are refused above, so none of the sent fields is dropped; they are
        # passed for the cross-field checks (an SI code that is a CCCD against the known
        # date of birth).
        known={**_by_prefill(definitions, stored or {}, sent=values), **known},
    )
    if not form.is_valid():
        raise ValidationError(
            {
                "data": {
                    name: [ErrorDetail(e["message"], e["code"] or "invalid") for e in problems]
                    for name, problems in form.errors.get_json_data().items()
                }
            }
        )
    return form.storable_data()


def _by_prefill(
    definitions: dict[str, dict], stored: dict[str, Any], *, sent: dict[str, Any]
) -> dict[str, str]:
    """A draft's stored values keyed by what they are (their prefill key), for the kinds of
    value not sent now (a sent field with a known prefill key would not be checked)."""
    sent_keys = {definitions[name].get("prefill") for name in sent if name in definitions}
    return {
        definition["prefill"]: stored[name]
        for name, definition in definitions.items()
        if definition.get("prefill")
        and definition["prefill"] not in sent_keys
        and stored.get(name) not in (None, "")
    }

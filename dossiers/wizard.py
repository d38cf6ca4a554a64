"""The steps of the filing wizard for a dossier's procedure version."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from procedures.constants import WIZARD_STEPS

from .models import Dossier

DOCUMENTS = "documents"
REVIEW = "review"


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    url: str
    number: int


def wizard_steps(dossier: Dossier) -> list[Step]:
    from django.utils.translation import gettext as _

    field_steps = sorted({int(f.get("step") or 1) for f in dossier.version.field_definitions()})
    if 1 not in field_steps:
        field_steps.insert(0, 1)  # the applicant step also asks the competent province
    steps = []
    for number in field_steps:
        steps.append((str(number), str(WIZARD_STEPS.get(number, _("Details")))))
    steps.append((DOCUMENTS, _("Documents")))
    steps.append((REVIEW, _("Review and submit")))
    return [
        Step(
            key=key,
            label=label,
            number=index + 1,
            url=reverse("dossiers:step", args=[dossier.reference, key]),
        )
        for index, (key, label) in enumerate(steps)
    ]


def step_after(dossier: Dossier, key: str) -> Step:
    steps = wizard_steps(dossier)
    keys = [s.key for s in steps]
    return steps[min(keys.index(key) + 1, len(steps) - 1)]


def resume_step(dossier: Dossier) -> Step:
    steps = wizard_steps(dossier)
    return steps[min(max(dossier.draft_step, 1), len(steps)) - 1]


@dataclass(frozen=True)
class Answer:
    label: str
    value: str
    invalid: bool = False


@dataclass(frozen=True)
class AnswerGroup:
    step: Step
    answers: list[Answer]


def review_groups(dossier: Dossier) -> list[AnswerGroup]:
    """Every answer of the draft as a person reads it, grouped by the step that asks it.

    Choice labels, dates as dd/mm/yyyy, values VSS already knows, the province with the
    office it makes competent; a value kept as typed but not valid is marked.
    """
    from django.utils.translation import gettext as _

    from offices.geography import province_name
    from offices.models import Office
    from offices.selectors import provincial_office_for

    from .forms import display_value, field_label, stored_value_error
    from .prefill import known_values

    known = known_values(dossier.applicant)
    steps = {s.key: s for s in wizard_steps(dossier)}
    answers: dict[str, list[Answer]] = {key: [] for key in steps}
    if dossier.applicant_province_code is not None:
        code = dossier.applicant_province_code
        try:
            office = provincial_office_for(province_code=code)
        except Office.DoesNotExist:
            office = None
        employer = dossier.procedure.competent_office == "employer_province"
        answers["1"].append(
            Answer(
                _("Province or city of your employer") if employer else _("Province or city"),
                province_name(code) or str(code),
            )
        )
        answers["1"].append(Answer(_("Competent office"), office.name if office else "—"))
    if dossier.applicant_address:
        answers["1"].append(Answer(_("Address"), dossier.applicant_address))
    for definition in dossier.version.field_definitions():
        key = str(int(definition.get("step") or 1))
        value = dossier.data.get(definition["name"])
        if value in (None, "") and definition.get("prefill"):
            value = known.get(definition["prefill"])
        invalid = bool(stored_value_error(definition, value))
        shown = "—" if value in (None, "") else display_value(definition, value)
        answers.setdefault(key, []).append(Answer(field_label(definition), shown, invalid))
    return [
        AnswerGroup(step=steps[key], answers=rows)
        for key, rows in answers.items()
        if key in steps and key not in (DOCUMENTS, REVIEW)
    ]

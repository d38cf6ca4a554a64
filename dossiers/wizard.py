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

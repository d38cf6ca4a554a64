"""Satisfaction figures from the applicants' ratings (ratings.models.Rating), via rollups.

A rating (one per dossier) has an overall score and criterion scores for timeliness,
staff attitude and clarity of guidance, all 1-5, and the number of trips to the office the
applicant needed. Ratings count in the period in which they were given.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Criteria scored 1-5 (rollup column prefix -> label); trips are a count, shown apart.
CRITERIA = {
    "timeliness": _("Timeliness"),
    "attitude": _("Staff attitude"),
    "guidance": _("Clarity of guidance"),
}

RATING_SUMS = (
    "rated",
    "rated_satisfied",
    "score_sum",
    "timeliness_sum",
    "attitude_sum",
    "guidance_sum",
    "trips_sum",
)


@dataclass(frozen=True)
class SatisfactionSummary:
    ratings: int
    satisfied: int  # overall score >= constants.SATISFIED_MIN_SCORE
    average_score: float | None
    criteria: dict[str, float | None]
    average_trips: float | None


def satisfaction_summary(totals: dict) -> SatisfactionSummary:
    """Averages from the rollup sums (`figures.rollup_totals`)."""
    n = totals["rated"]

    def average(name: str) -> float | None:
        return totals[f"{name}_sum"] / n if n else None

    return SatisfactionSummary(
        ratings=n,
        satisfied=totals["rated_satisfied"],
        average_score=average("score"),
        criteria={name: average(name) for name in CRITERIA},
        average_trips=average("trips"),
    )

"""Writes of satisfaction ratings: give one per returned dossier, change it for 7 days.

Each write locks its row, saves, and appends a `rated` event to the dossier's audit trail in
the same transaction. An unhappy overall score (1-2) tells the office leaders, on commit.
The dashboards and partner webhooks subscribe to that `rated` event (dossiers.events).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import structlog
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User
from dossiers.constants import DossierState, EventKind
from dossiers.models import Dossier
from dossiers.services import event_append

from .constants import MAX_SCORE, MAX_TRIPS, MIN_SCORE, UNHAPPY_MAX_SCORE, RatingChannel
from .exceptions import (
    AlreadyRated,
    EditWindowClosed,
    NotRatable,
    RatingError,
    RatingNotAllowed,
)
from .models import Rating

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Answers:
    """What the citizen answered: the overall score, the criteria, trips and a comment."""

    score: int
    timeliness: int
    attitude: int
    guidance: int
    trips_needed: int
    comment: str = ""

    def check(self) -> None:
        for name in ("score", "timeliness", "attitude", "guidance"):
            value = getattr(self, name)
            if not isinstance(value, int) or not MIN_SCORE <= value <= MAX_SCORE:
                raise RatingError(_("Choose a score from 1 to 5 for every question."))
        if not isinstance(self.trips_needed, int) or not 0 <= self.trips_needed <= MAX_TRIPS:
            raise RatingError(
                _("Enter the number of trips, from 0 to %(max)d.") % {"max": MAX_TRIPS}
            )

    def fields(self) -> dict:
        return {**asdict(self), "comment": self.comment.strip()[:2000]}


def is_unhappy(score: int) -> bool:
    return score <= UNHAPPY_MAX_SCORE


def _check_rater(*, channel: str, actor: User | None, dossier: Dossier) -> None:
    """Online: the applicant's account. Tablet: no account (the view checked code + ID)."""
    if channel == RatingChannel.WEB:
        if actor is None or actor.role != Role.CITIZEN or dossier.applicant_id != actor.pk:
            raise RatingNotAllowed()
    elif channel != RatingChannel.TABLET:
        raise RatingError(_("Unknown rating channel."))


def _after_commit(event_id: int) -> None:
    from .tasks import unhappy_rating_notify

    unhappy_rating_notify.delay_on_commit(event_id)


def rating_submit(
    *, dossier: Dossier, rater: User | None, channel: str, answers: Answers
) -> Rating:
    """Rate a returned dossier. A second rating of the same dossier raises AlreadyRated."""
    answers.check()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.state != DossierState.RETURNED:
            raise NotRatable()
        _check_rater(channel=channel, actor=rater, dossier=locked)
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    dossier=locked,
                    rater=rater if channel == RatingChannel.WEB else None,
                    channel=channel,
                    **answers.fields(),
                )
        except IntegrityError:
            if Rating.objects.filter(dossier=locked).exists():
                raise AlreadyRated() from None
            raise
        event = event_append(
            dossier=locked,
            kind=EventKind.RATED,
            actor=rating.rater,
            payload={"rating_id": rating.pk, "score": rating.score, "channel": channel},
            citizen_visible=True,
        )
        if is_unhappy(rating.score):
            _after_commit(event.pk)
    logger.info("rating_submitted", dossier_id=locked.pk, score=rating.score, channel=channel)
    return rating


def rating_update(*, rating: Rating, actor: User | None, channel: str, answers: Answers) -> Rating:
    """Change a rating during its edit window (7 days from when it was first given)."""
    answers.check()
    with transaction.atomic():
        locked = Rating.objects.select_for_update().select_related("dossier").get(pk=rating.pk)
        _check_rater(channel=channel, actor=actor, dossier=locked.dossier)
        if timezone.now() > locked.editable_until:
            raise EditWindowClosed()
        previous_score = locked.score
        fields = answers.fields()
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*fields, "updated_at"])
        event = event_append(
            dossier=locked.dossier,
            kind=EventKind.RATED,
            actor=actor if channel == RatingChannel.WEB else None,
            payload={
                "rating_id": locked.pk,
                "score": locked.score,
                "previous_score": previous_score,
                "channel": channel,
                "changed": True,
            },
            citizen_visible=True,
        )
        # Leaders hear about a rating once it becomes unhappy, not again at each edit.
        if is_unhappy(locked.score) and not is_unhappy(previous_score):
            _after_commit(event.pk)
    logger.info(
        "rating_changed",
        dossier_id=locked.dossier_id,
        score=locked.score,
        previous_score=previous_score,
        channel=channel,
    )
    return locked

import datetime as dt

import structlog
from django.db import transaction

from .constants import Role
from .models import User

logger = structlog.get_logger(__name__)


def user_language_set(*, user: User, language: str) -> User:
    """Remember the language a signed-in person chose: their letters, e-mails, SMS and inbox
    messages follow it."""
    from django.conf import settings

    if language in dict(settings.LANGUAGES) and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user


@transaction.atomic
def citizen_register(
    *,
    national_id: str,
    full_name: str,
    date_of_birth: dt.date,
    gender: str,
    password: str,
    email: str = "",
    phone: str = "",
    preferred_language: str = "vi",
) -> User:
    """Create a citizen account; the username is derived from the CCCD."""
    user = User(
        username=f"cd{national_id}",
        role=Role.CITIZEN,
        national_id=national_id,
        full_name=full_name,
        date_of_birth=date_of_birth,
        gender=gender,
        email=email,
        phone=phone,
        preferred_language=preferred_language,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


class VerifiedIdentityRefused(Exception):
    """The verified identity cannot sign in here (a staff account holds this CCCD, or the
    account is disabled)."""


IDENTITY_VERIFIED = "accounts.identity_verified"


def citizen_sign_in_verified(
    *, national_id: str, full_name: str, date_of_birth: dt.date, gender: str
) -> tuple[User, bool]:
    """A citizen signed in through VNeID: create the account or link the one with this CCCD.

    The claims are the identity provider's verified ones, so they replace what was typed at
    registration (name, date of birth, gender); e-mail, phone and the password stay. A new
    account has no usable password (VNeID is how that person signs in). Publishes
    `IDENTITY_VERIFIED` (context: the verified claims) in the same transaction, for the
    registry (beneficiaries subscribes). Returns the account and whether it was created.
    """
    from django.utils import timezone

    from outbox.services import message_publish

    with transaction.atomic():
        user = User.objects.select_for_update().filter(national_id=national_id).first()
        created = user is None
        if created:
            user = User(username=f"cd{national_id}", role=Role.CITIZEN, national_id=national_id)
            user.set_unusable_password()
        elif user.role != Role.CITIZEN or not user.is_active:
            raise VerifiedIdentityRefused
        user.full_name = full_name
        user.date_of_birth = date_of_birth
        user.gender = gender
        user.identity_verified_at = timezone.now()
        if created:
            user.full_clean(exclude=["password"])
            user.save()
        else:
            user.save(
                update_fields=["full_name", "date_of_birth", "gender", "identity_verified_at"]
            )
        message_publish(
            topic=IDENTITY_VERIFIED,
            ref_id=user.pk,
            subject=user,
            context={
                "user_id": user.pk,
                "national_id": national_id,
                "full_name": full_name,
                "date_of_birth": date_of_birth.isoformat(),
                "gender": gender,
            },
        )
    logger.info("citizen_identity_verified", user_id=user.pk, created=created)
    return user, created


def user_absence_set(*, officer: User, absent_until: dt.date | None, by: User) -> User:
    """An office leader marks one of the office's officers absent up to a day (inclusive), or
    present again (None). Absent officers get no automatic assignment."""
    from django.core.exceptions import PermissionDenied

    if (
        by.role != Role.OFFICE_LEADER
        or by.office_id is None
        or officer.office_id != by.office_id
        or officer.role not in (Role.PROCESSING_OFFICER, Role.COUNTER_OFFICER)
    ):
        raise PermissionDenied
    if officer.absent_until != absent_until:
        officer.absent_until = absent_until
        officer.save(update_fields=["absent_until"])
        logger.info(
            "user_absence_set",
            officer_id=officer.pk,
            by_id=by.pk,
            office_id=by.office_id,
            absent_until=absent_until.isoformat() if absent_until else None,
        )
    return officer

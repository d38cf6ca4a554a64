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


# --- sign-in security --------------------------------------------------------------------


def security_event_record(
    *,
    kind: str,
    user: User | None = None,
    actor: User | None = None,
    username: str = "",
    ip_address: str | None = None,
    detail: dict | None = None,
):
    """Append one row to the security trail (and the log, without personal data)."""
    from .models import SecurityEvent

    event = SecurityEvent.objects.create(
        kind=kind,
        user=user,
        actor=actor,
        office_id=(actor or user).office_id if (actor or user) else None,
        username=username[:254],
        ip_address=ip_address or None,
        detail=detail or {},
    )
    logger.info(
        "security_event",
        kind=kind,
        user_id=user.pk if user else None,
        actor_id=actor.pk if actor else None,
    )
    return event


def two_factor_device_start(*, user: User):
    """The authenticator being enrolled: one unconfirmed TOTP device, kept across reloads of
    the enrolment page so the QR code does not change under the person's phone."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def two_factor_enrol_confirm(*, user: User, token: str) -> list[str] | None:
    """Confirm the authenticator with a code it shows; on success issue the recovery codes
    (returned once, stored only as a one-time-token device) and return them."""
    from django.conf import settings
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .constants import SecurityEventKind

    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    security_event_record(kind=SecurityEventKind.TWO_FACTOR_ENROLLED, user=user, actor=user)
    return codes


def two_factor_verify(*, user: User, token: str):
    """The confirmed device that accepts this code (authenticator first, then a recovery
    code, which is used up), or None. django-otp slows down repeated wrong codes."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .constants import SecurityEventKind

    token = "".join(token.split())
    if not token:
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if token.isdigit() and device.verify_token(token):
            return device
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            security_event_record(
                kind=SecurityEventKind.RECOVERY_CODE_USED,
                user=user,
                actor=user,
                detail={"left": device.token_set.count()},
            )
            return device
    return None


def two_factor_enrolled(*, user: User) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def two_factor_reset(*, officer: User, by: User) -> User:
    """An office leader removes an officer's authenticator and recovery codes (a lost phone):
    the officer enrols again at the next sign-in. Recorded in the security trail."""
    from django.core.exceptions import PermissionDenied
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .constants import SecurityEventKind

    if (
        by.role != Role.OFFICE_LEADER
        or by.office_id is None
        or officer.office_id != by.office_id
        or officer.role not in (Role.PROCESSING_OFFICER, Role.COUNTER_OFFICER)
    ):
        raise PermissionDenied
    removed = TOTPDevice.objects.filter(user=officer).delete()[0]
    removed += StaticDevice.objects.filter(user=officer).delete()[0]
    security_event_record(
        kind=SecurityEventKind.TWO_FACTOR_RESET,
        user=officer,
        actor=by,
        detail={"devices_removed": removed},
    )
    return officer

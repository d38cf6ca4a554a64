import datetime as dt

from django.db import transaction

from .constants import Role
from .models import User


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

"""Partners and their API tokens: creation, scopes, expiry, rotation, revocation, last use."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Iterable

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role
from accounts.models import User
from core.identifiers import validate_employer_code

from ..constants import (
    MAX_RATE_LIMIT_PER_MINUTE,
    SCOPES_BY_KIND,
    TOKEN_PREFIX,
    TOKEN_SHOWN_PREFIX_LENGTH,
    TOKEN_TOUCH_INTERVAL_SECONDS,
    PartnerKind,
)
from ..models import Partner, PartnerToken

logger = structlog.get_logger(__name__)


def token_hash(secret: str) -> str:
    """SHA-256 of a token secret: what the database stores and looks tokens up by."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def partner_clean(*, kind: str, employer_unit_code: str) -> str:
    """The normalised employer unit code; ValidationError (by field) when the pair is wrong."""
    if kind not in PartnerKind.values:
        raise ValidationError({"kind": _("Unknown partner kind.")})
    code = (employer_unit_code or "").strip()
    if kind == PartnerKind.EMPLOYER:
        if not code:
            raise ValidationError(
                {"employer_unit_code": _("An employer needs its employer unit code.")}
            )
        try:
            code = validate_employer_code(code)
        except ValidationError as exc:
            raise ValidationError({"employer_unit_code": exc.messages}) from exc
    elif code:
        raise ValidationError(
            {"employer_unit_code": _("Only employers have an employer unit code.")}
        )
    return code


def partner_create(*, name: str, kind: str, employer_unit_code: str = "") -> Partner:
    """A partner and the service account it acts through (no password: it cannot sign in)."""
    code = partner_clean(kind=kind, employer_unit_code=employer_unit_code)
    with transaction.atomic():
        user = User.objects.create_user(
            username=f"partner-{uuid.uuid4().hex[:20]}",
            password=None,
            role=Role.CITIZEN,
        )
        partner = Partner.objects.create(
            name=name.strip(), kind=kind, employer_unit_code=code, user=user
        )
    logger.info("partner_created", partner_id=partner.pk, kind=kind)
    return partner


def partner_update(
    *, partner: Partner, name: str, employer_unit_code: str, is_active: bool
) -> Partner:
    """Rename, correct the unit code or (de)activate a partner. The kind never changes."""
    code = partner_clean(kind=partner.kind, employer_unit_code=employer_unit_code)
    with transaction.atomic():
        Partner.objects.filter(pk=partner.pk).update(
            name=name.strip(), employer_unit_code=code, is_active=is_active
        )
        User.objects.filter(pk=partner.user_id).update(is_active=is_active)
    logger.info("partner_updated", partner_id=partner.pk, active=is_active)
    return Partner.objects.get(pk=partner.pk)


def partner_token_clean(
    *, partner: Partner, scopes: Iterable[str], rate_limit_per_minute: int
) -> list[str]:
    """The sorted scopes; ValidationError when the partner's kind cannot have them."""
    scopes = sorted(set(scopes))
    allowed = SCOPES_BY_KIND.get(partner.kind, frozenset())
    refused = [s for s in scopes if s not in allowed]
    if refused:
        raise ValidationError(
            {
                "scopes": _("A %(kind)s token cannot have these scopes: %(scopes)s.")
                % {"kind": partner.get_kind_display(), "scopes": ", ".join(refused)}
            }
        )
    if not 1 <= int(rate_limit_per_minute) <= MAX_RATE_LIMIT_PER_MINUTE:
        raise ValidationError(
            {
                "rate_limit_per_minute": _("Choose between 1 and %(max)s requests per minute.")
                % {"max": MAX_RATE_LIMIT_PER_MINUTE}
            }
        )
    return scopes


def partner_token_create(
    *,
    partner: Partner,
    name: str,
    scopes: Iterable[str],
    rate_limit_per_minute: int,
    actor: User | None = None,
) -> tuple[PartnerToken, str]:
    """Create a token; return it with its secret, which is never stored nor shown again."""
    scopes = partner_token_clean(
        partner=partner, scopes=scopes, rate_limit_per_minute=rate_limit_per_minute
    )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PartnerToken.objects.create(
        partner=partner,
        name=name.strip(),
        key_prefix=secret[:TOKEN_SHOWN_PREFIX_LENGTH],
        key_hash=token_hash(secret),
        scopes=scopes,
        rate_limit_per_minute=rate_limit_per_minute,
        created_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=settings.PARTNER_TOKEN_LIFETIME_DAYS),
    )
    logger.info("partner_token_created", token_id=token.pk, partner_id=partner.pk, scopes=scopes)
    return token, secret


def partner_token_update(
    *, token: PartnerToken, name: str, scopes: Iterable[str], rate_limit_per_minute: int
) -> PartnerToken:
    scopes = partner_token_clean(
        partner=token.partner, scopes=scopes, rate_limit_per_minute=rate_limit_per_minute
    )
    PartnerToken.objects.filter(pk=token.pk).update(
        name=name.strip(), scopes=scopes, rate_limit_per_minute=rate_limit_per_minute
    )
    logger.info("partner_token_updated", token_id=token.pk, scopes=scopes)
    return PartnerToken.objects.get(pk=token.pk)


def partner_token_revoke(*, token: PartnerToken, actor: User | None = None) -> PartnerToken:
    """Revoke a token at once and for good (a revoked token is never reactivated)."""
    PartnerToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        is_active=False, revoked_at=timezone.now()
    )
    logger.info("partner_token_revoked", token_id=token.pk, actor_id=getattr(actor, "pk", None))
    return PartnerToken.objects.get(pk=token.pk)


def partner_token_rotate(
    *, token: PartnerToken, actor: User | None = None, grace_hours: int | None = None
) -> tuple[PartnerToken, str]:
    """Issue a new token with the same partner, label, scopes and rate limit and a full
    lifetime; the old one keeps working for the grace period (PARTNER_TOKEN_ROTATION_GRACE_HOURS,
    never longer than it had left), then is refused. Returns the new token and its secret.

    A revoked, expired or already rotated token cannot be rotated (ValidationError)."""
    grace = dt.timedelta(
        hours=settings.PARTNER_TOKEN_ROTATION_GRACE_HOURS if grace_hours is None else grace_hours
    )
    with transaction.atomic():
        old = PartnerToken.objects.select_for_update().select_related("partner").get(pk=token.pk)
        if old.replaced_by_id is not None:
            raise ValidationError(_("This token was already rotated; rotate its replacement."))
        if not old.is_active or old.revoked_at is not None or old.is_expired:
            raise ValidationError(_("A revoked or expired token cannot be rotated."))
        new, secret = partner_token_create(
            partner=old.partner,
            name=old.name,
            scopes=old.scopes,
            rate_limit_per_minute=old.rate_limit_per_minute,
            actor=actor,
        )
        old.expires_at = min(old.expires_at, timezone.now() + grace)
        old.replaced_by = new
        old.save(update_fields=["expires_at", "replaced_by"])
    logger.info(
        "partner_token_rotated",
        token_id=old.pk,
        new_token_id=new.pk,
        partner_id=old.partner_id,
        actor_id=getattr(actor, "pk", None),
    )
    return new, secret


def partner_token_touch(*, token: PartnerToken) -> None:
    """Record the token's use, writing at most once a minute per token."""
    now = timezone.now()
    PartnerToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True)
        | Q(last_used_at__lt=now - dt.timedelta(seconds=TOKEN_TOUCH_INTERVAL_SECONDS))
    ).update(last_used_at=now)

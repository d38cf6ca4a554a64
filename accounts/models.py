from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .constants import OFFICE_ROLES, STAFF_ROLES, Gender, Role, SecurityEventKind


class PortalUserManager(UserManager):
    def get_by_natural_key(self, username: str):
        return self.get(username=username)


class User(AbstractUser):
    """A portal account. Citizens sign in with their CCCD or e-mail, staff with a username."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.CITIZEN)
    office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    national_id = models.CharField(
        _("personal ID number (CCCD)"), max_length=12, null=True, blank=True, unique=True
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
        default="vi",
    )

    identity_verified_at = models.DateTimeField(
        _("identity verified at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When VNeID last verified the name, birth date and gender."),
    )

    absent_until = models.DateField(
        _("absent until"),
        null=True,
        blank=True,
        help_text=_("Last day of absence: no automatic assignment until the day after."),
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                condition=~models.Q(email=""),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN

    @property
    def is_portal_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def needs_two_factor(self) -> bool:
        """Every staff role, and anyone who can open the admin site."""
        return self.role in STAFF_ROLES or self.is_staff or self.is_superuser

    @property
    def works_at_office(self) -> bool:
        return self.role in OFFICE_ROLES

    def is_absent_on(self, day) -> bool:
        return self.absent_until is not None and self.absent_until >= day

    @property
    def is_absent(self) -> bool:
        """Absent today (local date): no automatic assignment, hinted on the assign form."""
        from django.utils import timezone

        return self.is_absent_on(timezone.localdate())

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class SecurityEvent(models.Model):
    """Append-only trail of sign-in security events (two-factor enrolment and resets,
    lockouts), read by administrators in the admin site. Never updated or deleted by code."""

    kind = models.CharField(_("event"), max_length=32, choices=SecurityEventKind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="security_events",
    )
    actor = models.ForeignKey(
        User,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The login box's text for a lockout (it may name no account), and the address.
    username = models.CharField(_("sign-in name"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="accounts_secevent_user_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SecurityEventKind.values),
                name="accounts_securityevent_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

"""Who sees which figures, and the filters of a dashboard request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts.constants import Role
from accounts.models import User

from ..services import local_day_bounds

NATIONAL = "national"
PROVINCE = "province"
OFFICE = "office"


@dataclass(frozen=True)
class Scope:
    """The dossiers a user's figures cover, by their competent office.

    National for administrators and supervisors without an office; the province of the
    office for a supervisor attached to one; the office itself for an office leader.
    """

    level: str
    province_code: int | None = None
    office_id: int | None = None

    def rollup_q(self) -> Q:
        if self.level == OFFICE:
            return Q(competent_office_id=self.office_id)
        if self.level == PROVINCE:
            return Q(province_code=self.province_code)
        return Q()

    def dossier_q(self) -> Q:
        real = Q(procedure__is_demo=False)  # demo procedures (seed_demo only) never count
        if self.level == OFFICE:
            return real & Q(competent_office_id=self.office_id)
        if self.level == PROVINCE:
            return real & Q(competent_office__province_code=self.province_code)
        return real

    def office_q(self) -> Q:
        """The offices whose figures the user may see."""
        if self.level == OFFICE:
            return Q(pk=self.office_id)
        if self.level == PROVINCE:
            return Q(province_code=self.province_code)
        return Q()


def dashboard_scope(user: User) -> Scope:
    """The scope of a user's dashboard; PermissionDenied for anyone else."""
    if not user.is_authenticated:
        raise PermissionDenied
    if user.role == Role.ADMINISTRATOR:
        return Scope(level=NATIONAL)
    if user.role == Role.SUPERVISOR:
        if user.office_id is None:
            return Scope(level=NATIONAL)
        return Scope(level=PROVINCE, province_code=user.office.province_code)
    if user.role == Role.OFFICE_LEADER and user.office_id is not None:
        return Scope(
            level=OFFICE, province_code=user.office.province_code, office_id=user.office_id
        )
    raise PermissionDenied


@dataclass(frozen=True)
class Filters:
    """The chosen period (inclusive local dates) and the optional filters."""

    start: dt.date
    end: dt.date
    province_code: int | None = None
    office_id: int | None = None
    procedure_id: int | None = None
    channel: str = ""

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) of the period as aware datetimes."""
        return local_day_bounds(self.start)[0], local_day_bounds(self.end)[1]

    def rollup_q(self, *, period: bool = True) -> Q:
        q = Q(day__gte=self.start, day__lte=self.end) if period else Q()
        if self.province_code is not None:
            q &= Q(province_code=self.province_code)
        if self.office_id is not None:
            q &= Q(competent_office_id=self.office_id)
        if self.procedure_id is not None:
            q &= Q(procedure_id=self.procedure_id)
        if self.channel:
            q &= Q(channel=self.channel)
        return q

    def dossier_q(self) -> Q:
        """The non-period filters on dossiers (each figure dates dossiers its own way)."""
        q = Q()
        if self.province_code is not None:
            q &= Q(competent_office__province_code=self.province_code)
        if self.office_id is not None:
            q &= Q(competent_office_id=self.office_id)
        if self.procedure_id is not None:
            q &= Q(procedure_id=self.procedure_id)
        if self.channel:
            q &= Q(channel=self.channel)
        return q

    def with_period(self, start: dt.date, end: dt.date) -> Filters:
        return Filters(
            start=start,
            end=end,
            province_code=self.province_code,
            office_id=self.office_id,
            procedure_id=self.procedure_id,
            channel=self.channel,
        )

"""Writes to the office register."""

import structlog
from django.db import transaction
from vietnam_provinces import Province

from .constants import VSS_AGENCY_SUFFIX, OfficeKind
from .models import Office

logger = structlog.get_logger(__name__)


def _short_name(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@transaction.atomic
def provincial_offices_sync() -> int:
    """Make sure each of the 34 provinces has its provincial office; returns how many were made.

    Existing offices keep their (possibly edited) names and agency codes.
    """
    created = 0
    for province in Province.iter_all():
        code = int(province.code)
        short = _short_name(province.name)
        is_city = province.division_type.value == "thành phố trung ương"
        _, was_created = Office.objects.get_or_create(
            kind=OfficeKind.PROVINCIAL,
            province_code=code,
            defaults={
                "agency_code": f"000.00.{code:02d}.{VSS_AGENCY_SUFFIX}",
                "name": f"Bảo hiểm xã hội {'thành phố' if is_city else 'tỉnh'} {short}",
                "name_en": f"{short} {'City' if is_city else 'Province'} Social Security Office",
            },
        )
        created += was_created
    return created


def office_auto_assign_set(*, office: Office, enabled: bool, by) -> Office:
    """Turn automatic assignment of received dossiers on or off (the office's leader)."""
    from django.core.exceptions import PermissionDenied

    from accounts.constants import Role

    if by.role != Role.OFFICE_LEADER or by.office_id != office.pk:
        raise PermissionDenied
    if office.auto_assign != enabled:
        office.auto_assign = enabled
        office.save(update_fields=["auto_assign"])
        logger.info("office_auto_assign_set", office_id=office.pk, by_id=by.pk, enabled=enabled)
    return office

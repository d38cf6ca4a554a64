from django.db.models import QuerySet

from .constants import OfficeKind
from .models import Office


def office_list(*, active_only: bool = True) -> QuerySet[Office]:
    qs = Office.objects.select_related("parent")
    return qs.filter(is_active=True) if active_only else qs


def provincial_office_for(*, province_code: int) -> Office:
    """The provincial office competent for a province (raises Office.DoesNotExist)."""
    return Office.objects.get(kind=OfficeKind.PROVINCIAL, province_code=province_code)


def office_by_agency_code(*, agency_code: str) -> Office:
    """An active office by its QCVN 102:2016 agency code (raises Office.DoesNotExist)."""
    return Office.objects.select_related("parent").get(
        agency_code=agency_code.strip().upper(), is_active=True
    )

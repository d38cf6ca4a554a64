from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.constants import Role
from offices.models import Office

from ..models import Ticket


def active_office(office_id: int) -> Office:
    return get_object_or_404(Office, pk=office_id, is_active=True)


def ticket_by_reference(reference) -> Ticket:
    return get_object_or_404(
        Ticket.objects.select_related("office", "group", "counter"), reference=reference
    )


def counter_officer_required(request) -> None:
    user = request.user
    if user.role != Role.COUNTER_OFFICER or user.office_id is None:
        raise Http404


def leader_required(request) -> None:
    user = request.user
    if user.role != Role.OFFICE_LEADER or user.office_id is None:
        raise Http404


def minutes(delta) -> int | None:
    return None if delta is None else int(delta.total_seconds() // 60)

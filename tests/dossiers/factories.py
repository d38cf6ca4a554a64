"""Dossiers in any lifecycle state, built directly for workflow tests (a trait per state)."""

import datetime as dt

from django.utils import timezone

from dossiers.constants import Channel, DossierState
from dossiers.models import Dossier
from procedures.selectors import version_in_force

_counter = {"n": 0}


def make_dossier(
    *, procedure, state, applicant=None, office, assigned_to=None, due_in_days=5, **extra
) -> Dossier:
    """A dossier of `procedure` in `state`, competent and received at `office`."""
    _counter["n"] += 1
    now = timezone.now()
    dossier = Dossier.objects.create(
        procedure=procedure,
        version=version_in_force(procedure=procedure),
        channel=Channel.ONLINE,
        applicant=applicant,
        applicant_name="Nguyễn Văn An",
        applicant_national_id="001090012345",
        applicant_province_code=office.province_code,
        receiving_office=office,
        competent_office=office,
    )
    fields = {
        "state": state,
        "code": f"{office.agency_code}-261124-{_counter['n']:04d}",
        "submitted_at": now - dt.timedelta(days=1),
        "due_at": now + dt.timedelta(days=due_in_days),
        "original_due_at": now + dt.timedelta(days=due_in_days),
        "assigned_to": assigned_to,
    }
    if state not in (DossierState.SUBMITTED, DossierState.DRAFT):
        fields["received_at"] = now - dt.timedelta(days=1)
    if state == DossierState.SUPPLEMENT_REQUESTED:
        fields["state_before_supplement"] = DossierState.IN_PROCESSING
        fields["clock_paused_at"] = now - dt.timedelta(hours=2)
        fields["supplement_items"] = ["Giấy ra viện"]
    if state in (DossierState.AWAITING_SIGNATURE, DossierState.PROCESSED):
        fields["outcome"] = "approved"
    fields.update(extra)
    fields.setdefault("statutory_due_at", fields["due_at"])
    Dossier.objects.filter(pk=dossier.pk).update(**fields)
    return Dossier.objects.get(pk=dossier.pk)

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .constants import Role
from .models import User


@dataclass(frozen=True)
class LandingLink:
    url: str
    label: str
    description: str


# Each role's tasks, as (url name, label, description). Missing routes are skipped so an
# app can be switched off without breaking the landing page.
_ROLE_LINKS = {
    Role.CITIZEN: [
        ("dossiers:mine", _("My dossiers"), _("Drafts, dossiers in progress and results.")),
        ("notifications:inbox", _("Messages"), _("What happened to your dossiers.")),
        (
            "beneficiaries:home",
            _("My social security record"),
            _("What VSS holds about you; birth and death declarations."),
        ),
        ("procedures:list", _("File a new dossier"), _("Choose a procedure and file online.")),
        ("tracking:track", _("Track a dossier"), _("Follow a dossier by its code.")),
        (
            "queues:appointments",
            _("Appointments at an office"),
            _("Book a time at the counter; collect results."),
        ),
        (
            "oauth2_provider:authorised_apps",
            _("Apps with access to your account"),
            _("Apps you allowed to use your account; withdraw their access."),
        ),
    ],
    Role.COUNTER_OFFICER: [
        ("queues:counter", _("Counter queue"), _("Call the next ticket, recall, transfer.")),
        (
            "dossiers:counter_intake",
            _("Receive a walk-in dossier"),
            _("Any procedure, any province."),
        ),
        ("dossiers:worklist", _("Office worklist"), _("Dossiers of your office.")),
        (
            "beneficiaries:home",
            _("Find a person in the registry"),
            _("By CCCD or SI code, with accommodation needs."),
        ),
        (
            "dossiers:tracking_book",
            _("Tracking book"),
            _("Every dossier received, by period (form 06), with PDF and XLSX."),
        ),
    ],
    Role.PROCESSING_OFFICER: [
        ("dossiers:worklist", _("My worklist"), _("Dossiers assigned to you and waiting.")),
        (
            "dossiers:tracking_book",
            _("Tracking book"),
            _("Every dossier received, by period (form 06), with PDF and XLSX."),
        ),
    ],
    Role.OFFICE_LEADER: [
        ("dossiers:worklist", _("Office worklist"), _("Assign, sign and return results.")),
        ("dashboards:index", _("Dashboard"), _("Your office against the VSS targets.")),
        ("queues:live", _("Queue now"), _("Waiting per group, counters open or closed.")),
        (
            "accounts:office_team",
            _("Officers and assignment"),
            _("Mark absences; assign received dossiers automatically."),
        ),
        (
            "dossiers:tracking_book",
            _("Tracking book"),
            _("Every dossier received, by period (form 06), with PDF and XLSX."),
        ),
    ],
    Role.SUPERVISOR: [
        ("dashboards:index", _("Dashboard"), _("On-time rate, online share, satisfaction ...")),
        ("dossiers:worklist", _("Dossiers"), _("Dossiers across offices.")),
        (
            "dossiers:tracking_book",
            _("Tracking book"),
            _("Every dossier received, by period (form 06), with PDF and XLSX."),
        ),
    ],
    Role.ADMINISTRATOR: [
        ("admin:index", _("Administration"), _("Catalogue, offices, calendar and accounts.")),
    ],
}

ROLE_HEADINGS = {
    Role.CITIZEN: _("Citizen page"),
    Role.COUNTER_OFFICER: _("Counter officer page"),
    Role.PROCESSING_OFFICER: _("Processing officer page"),
    Role.OFFICE_LEADER: _("Office leader page"),
    Role.SUPERVISOR: _("Supervisor page"),
    Role.ADMINISTRATOR: _("Administrator page"),
}


def landing_links(user: User) -> list[LandingLink]:
    links = []
    for url_name, label, description in _ROLE_LINKS.get(user.role, []):
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        links.append(LandingLink(url=url, label=str(label), description=str(description)))
    return links


def office_officers(*, office_id: int):
    """The active processing officers and leaders of an office, by name: whom a leader
    assigns dossiers to (the `assign` action takes a processing officer's id)."""
    return User.objects.filter(
        office_id=office_id,
        is_active=True,
        role__in=[Role.PROCESSING_OFFICER, Role.OFFICE_LEADER],
    ).order_by("full_name", "id")

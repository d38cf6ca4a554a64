from django.http import Http404

from ..constants import Timeliness
from ..models import Dossier
from ..selectors import dossier_for_user
from ..services import dossier_timeliness


def get_visible_dossier(request, reference) -> Dossier:
    try:
        return dossier_for_user(user=request.user, reference=reference)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc


def timeliness_context(dossier: Dossier) -> dict | None:
    """The dossier's timeliness as the pages show it (the API and the figures say the same)."""
    value = dossier_timeliness(dossier)
    if not value:
        return None
    return {"value": value, "label": Timeliness(value).label}

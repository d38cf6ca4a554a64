from django.http import Http404

from accesslog.constants import AccessKind

from ..access import dossier_opened
from ..constants import Timeliness
from ..models import Dossier
from ..selectors import dossier_for_user
from ..services import dossier_timeliness


def get_visible_dossier(
    request,
    reference,
    *,
    opened: AccessKind | str | None = AccessKind.DOSSIER,
    object_id: int | None = None,
) -> Dossier:
    """The dossier if the user may see it (404 otherwise), its opening written to the access
    log (`opened`: what is opened; None writes nothing, for polls). A supervisor outside
    the dossier's office is sent to give a reason first (`AccessReasonRequired`)."""
    try:
        dossier = dossier_for_user(user=request.user, reference=reference)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    dossier_opened(request=request, dossier=dossier, kind=opened, object_id=object_id)
    return dossier


def timeliness_context(dossier: Dossier) -> dict | None:
    """The dossier's timeliness as the pages show it (the API and the figures say the same)."""
    value = dossier_timeliness(dossier)
    if not value:
        return None
    return {"value": value, "label": Timeliness(value).label}

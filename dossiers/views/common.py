from django.http import Http404

from ..models import Dossier
from ..selectors import dossier_for_user


def get_visible_dossier(request, reference) -> Dossier:
    try:
        return dossier_for_user(user=request.user, reference=reference)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc

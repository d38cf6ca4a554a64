"""The display board: a full-screen page per office, and the fragment its screens poll.

Screens poll a small HTML fragment every 1.5 s with `If-None-Match`; while nothing changed
the answer is a 304 after one indexed read of the office's version (ADR 0007).
"""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import condition, require_GET

from ..selectors import board_state, board_version
from .common import active_office

POLL_MILLISECONDS = 1500


def _etag(request, office_id):
    # The version moves with every change; the minute makes appointments that fall due
    # re-order the "next" list even when nothing else happens.
    minute = timezone.now().strftime("%Y%m%d%H%M")
    return f"{office_id}-{board_version(office_id)}-{minute}"


@require_GET
def board(request, office_id):
    office = active_office(office_id)
    return render(
        request,
        "queues/board.html",
        {"office": office, "poll_ms": POLL_MILLISECONDS, **board_state(office)},
    )


@require_GET
@condition(etag_func=_etag)
def board_fragment(request, office_id):
    office = active_office(office_id)
    response = render(request, "queues/_board.html", {"office": office, **board_state(office)})
    response["Cache-Control"] = "no-cache"
    return response

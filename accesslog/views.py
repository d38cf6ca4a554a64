"""The supervisors' search of the access log, newest first, a page at a time (keyset)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.constants import Role

from .forms import AccessSearchForm
from .selectors import access_search

PAGE_SIZE = 50
SEARCHERS = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})


def _cursor(value: str) -> tuple[dt.datetime, int] | None:
    """`after` is "<ISO time>_<id>" of the previous page's last row; anything else: none."""
    at, _, pk = value.rpartition("_")
    try:
        moment = dt.datetime.fromisoformat(at)
        number = int(pk)
    except ValueError:
        return None
    if moment.tzinfo is None or not 0 < number < 2**63:
        return None
    return moment, number


@login_required
@require_GET
def search(request):
    if request.user.role not in SEARCHERS:
        raise Http404
    form = AccessSearchForm(request.GET or None)
    rows, following = [], ""
    if not form.is_bound or form.is_valid():
        if not form.is_bound:
            form = AccessSearchForm({})
            form.is_valid()
        rows = access_search(
            filters=form.filters(),
            after=_cursor(request.GET.get("after", "")),
            limit=PAGE_SIZE,
        )
        if len(rows) > PAGE_SIZE:
            rows = rows[:PAGE_SIZE]
            last = rows[-1]
            query = QueryDict(mutable=True)
            query.update({k: v for k, v in request.GET.items() if k != "after"})
            query["after"] = f"{last.at.isoformat()}_{last.pk}"
            following = query.urlencode()
    return render(
        request,
        "accesslog/search.html",
        {"form": form, "rows": rows, "following": following},
        status=400 if form.errors else 200,
    )

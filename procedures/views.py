from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .constants import BenefitGroup
from .models import Procedure
from .selectors import NoVersionInForce, procedure_detail, procedure_list, version_in_force


@require_GET
def procedure_list_view(request):
    query = request.GET.get("q", "").strip()[:100]
    group = request.GET.get("group", "")
    procedures = procedure_list(query=query, group=group)
    return render(
        request,
        "procedures/list.html",
        {"procedures": procedures, "query": query, "group": group, "groups": BenefitGroup.choices},
    )


@require_GET
def procedure_detail_view(request, slug: str):
    try:
        procedure = procedure_detail(slug=slug)
        version = version_in_force(procedure=procedure)
    except (Procedure.DoesNotExist, NoVersionInForce) as exc:
        raise Http404 from exc
    return render(
        request,
        "procedures/detail.html",
        {"procedure": procedure, "version": version, "components": version.components.all()},
    )

"""Permission-checked downloads: documents and slips are never public URLs."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from ..constants import DossierState, SlipKind
from ..models import DossierDocument, Slip
from ..slips import reception_slip_issue
from .common import get_visible_dossier


def _file_response(field_file, *, filename: str, content_type: str, inline: bool = False):
    handle = field_file.storage.open(field_file.name, "rb")
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def document_download(request, reference, document_id):
    dossier = get_visible_dossier(request, reference)
    document = get_object_or_404(DossierDocument, pk=document_id, dossier=dossier)
    return _file_response(
        document.file,
        filename=document.original_name,
        content_type=document.content_type,
        inline=request.GET.get("inline") == "1" and document.content_type == "application/pdf",
    )


@login_required
def reception_slip_download(request, reference):
    dossier = get_visible_dossier(request, reference)
    if dossier.code is None:
        raise Http404
    # Bounded synchronous path: the counter needs the slip at once even if the worker
    # has not issued it yet; issuing is idempotent.
    slip = reception_slip_issue(dossier=dossier)
    return _file_response(
        slip.file,
        filename=f"giay-tiep-nhan-{dossier.code}.pdf",
        content_type="application/pdf",
        inline=request.GET.get("inline") == "1",
    )


@login_required
def slip_download(request, reference, slip_id):
    """A letter or the signed result. Citizens get the result once it has been returned."""
    dossier = get_visible_dossier(request, reference)
    slip = get_object_or_404(Slip, pk=slip_id, dossier=dossier)
    if (
        request.user.is_citizen
        and slip.kind == SlipKind.RESULT
        and dossier.state != DossierState.RETURNED
    ):
        raise Http404
    return _file_response(
        slip.file,
        filename=f"{slip.kind}-{dossier.code}.pdf",
        content_type="application/pdf",
        inline=request.GET.get("inline") == "1",
    )

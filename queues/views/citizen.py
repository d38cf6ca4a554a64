"""Pages for the visitor: the kiosk, the printed ticket (80 mm roll, PDF), the phone page,
the remote ticket."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..appointments import booking_check_in
from ..exceptions import QueueError
from ..forms import CheckInForm, KioskForm, RemoteTicketForm
from ..selectors import ticket_position
from ..services import office_queue, ticket_cancel, ticket_issue, ticket_issue_remote
from .common import active_office, minutes, ticket_by_reference


def _form_error(form, error: QueueError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


@require_http_methods(["GET", "POST"])
def kiosk(request, office_id):
    """The touch screen at the entrance: choose a group, declare a priority, take a ticket."""
    office = active_office(office_id)
    queue = office_queue(office)
    form = KioskForm(request.POST or None, prefix="k")
    check_in = CheckInForm(prefix="c")
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_issue(
                office=office,
                group=form.cleaned_data["group"],
                priority=form.cleaned_data["priority"] or "",
            )
        except QueueError as error:
            _form_error(form, error)
        else:
            return redirect("queues:ticket_print", reference=ticket.reference)
    status = 400 if form.errors else 200
    return render(
        request,
        "queues/kiosk.html",
        {"office": office, "queue": queue, "form": form, "check_in": check_in},
        status=status,
    )


@require_POST
def kiosk_check_in(request, office_id):
    """Arrival with a booking: its code gives a ticket served at the appointment's time."""
    office = active_office(office_id)
    check_in = CheckInForm(request.POST, prefix="c")
    if check_in.is_valid():
        try:
            ticket = booking_check_in(office=office, code=check_in.cleaned_data["code"])
        except QueueError as error:
            _form_error(check_in, error)
        else:
            return redirect("queues:ticket_print", reference=ticket.reference)
    return render(
        request,
        "queues/kiosk.html",
        {
            "office": office,
            "queue": office_queue(office),
            "form": KioskForm(prefix="k"),
            "check_in": check_in,
        },
        status=400,
    )


def _ticket_context(request, ticket):
    position = ticket_position(ticket)
    return {
        "ticket": ticket,
        "position": position,
        "wait_minutes": minutes(position.estimated_wait),
        "phone_url": request.build_absolute_uri(
            reverse("queues:ticket_phone", kwargs={"reference": ticket.reference})
        ),
    }


@require_GET
def ticket_print(request, reference):
    """The ticket as printed on the 80 mm thermal roll (CSS @page 80mm)."""
    from dossiers.documents.rendering import qr_svg_data_uri

    ticket = ticket_by_reference(reference)
    context = _ticket_context(request, ticket)
    context["qr"] = qr_svg_data_uri(context["phone_url"])
    return render(request, "queues/ticket_print.html", context)


@require_GET
def ticket_pdf(request, reference):
    """The same ticket as a PDF (WeasyPrint), for printers driven by a PDF queue."""
    from dossiers.documents.rendering import qr_svg_data_uri, render_pdf

    ticket = ticket_by_reference(reference)
    context = _ticket_context(request, ticket)
    context["qr"] = qr_svg_data_uri(context["phone_url"])
    pdf = render_pdf("queues/ticket_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ve-{ticket.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def ticket_phone(request, reference):
    """The page the QR code opens: the live position and estimated wait."""
    ticket = ticket_by_reference(reference)
    return render(request, "queues/ticket_phone.html", _ticket_context(request, ticket))


@require_GET
def ticket_status(request, reference):
    """The fragment the phone page polls (htmx)."""
    ticket = ticket_by_reference(reference)
    response = render(request, "queues/_ticket_status.html", _ticket_context(request, ticket))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def ticket_give_up(request, reference):
    ticket = ticket_by_reference(reference)
    try:
        ticket_cancel(ticket=ticket, actor=request.user if request.user.is_authenticated else None)
    except QueueError:
        pass  # already called or finished: the page shows what happened
    return redirect("queues:ticket_phone", reference=ticket.reference)


@login_required
@require_http_methods(["GET", "POST"])
def remote_ticket(request, office_id):
    """A citizen near the office takes a ticket from the phone (limited per person and day)."""
    if not request.user.is_citizen:
        raise Http404
    office = active_office(office_id)
    form = RemoteTicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_issue_remote(
                office=office, group=form.cleaned_data["group"], citizen=request.user
            )
        except QueueError as error:
            _form_error(form, error)
        else:
            return redirect("queues:ticket_phone", reference=ticket.reference)
    status = 400 if form.errors else 200
    return render(request, "queues/remote.html", {"office": office, "form": form}, status=status)

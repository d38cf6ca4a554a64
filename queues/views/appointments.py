"""A citizen's appointments: choose an office and a group, book a time, cancel."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from offices.models import Office

from ..appointments import booking_cancel, slot_book
from ..constants import BookingState
from ..exceptions import QueueError
from ..forms import BookingForm, GroupChoiceField
from ..models import Booking, ServiceGroup, Slot

SLOTS_SHOWN = 40


class ChooseForm(forms.Form):
    office = forms.ModelChoiceField(
        label=gettext_lazy("Office"),
        queryset=Office.objects.filter(is_active=True),
        error_messages={"invalid_choice": gettext_lazy("Choose an office from the list.")},
    )
    group = GroupChoiceField(
        label=gettext_lazy("Service group"),
        queryset=ServiceGroup.objects.filter(is_active=True),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose one of the service groups offered at this office."
            )
        },
    )


def _citizen_required(request):
    if not request.user.is_citizen:
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def appointments(request):
    _citizen_required(request)
    choose = ChooseForm(request.GET or None)
    booking_form = None
    if choose.is_valid():
        slots = Slot.objects.filter(
            office=choose.cleaned_data["office"],
            group=choose.cleaned_data["group"],
            starts_at__gt=timezone.now(),
            booked__lt=F("capacity"),
        ).order_by("starts_at")
        booking_form = BookingForm(
            request.POST or None, slots=Slot.objects.filter(pk__in=slots.values("pk")[:SLOTS_SHOWN])
        )
        if request.method == "POST":
            # A slot that filled up or passed meanwhile still gets a clear message.
            booking_form.fields["slot"].queryset = Slot.objects.filter(
                office=choose.cleaned_data["office"], group=choose.cleaned_data["group"]
            )
            if booking_form.is_valid():
                try:
                    booking = slot_book(
                        slot=booking_form.cleaned_data["slot"], citizen=request.user
                    )
                except QueueError as error:
                    booking_form.add_error("slot", str(error.message))
                else:
                    messages.success(
                        request,
                        _(
                            "Booked. Your booking code is %(code)s: type it at the kiosk "
                            "when you arrive."
                        )
                        % {"code": booking.code},
                    )
                    return redirect("queues:appointments")
    bookings = (
        Booking.objects.filter(citizen=request.user)
        .select_related("slot__office", "slot__group", "ticket")
        .order_by("-slot__starts_at")[:20]
    )
    status = 400 if booking_form is not None and booking_form.errors else 200
    if request.GET and choose.errors:
        status = 400
    return render(
        request,
        "queues/appointments.html",
        {"choose": choose, "booking_form": booking_form, "bookings": bookings},
        status=status,
    )


@login_required
@require_POST
def appointment_cancel(request, reference):
    _citizen_required(request)
    booking = get_object_or_404(
        Booking, reference=reference, citizen=request.user, state=BookingState.BOOKED
    )
    try:
        booking_cancel(booking=booking, citizen=request.user)
    except QueueError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The appointment was cancelled."))
    return redirect("queues:appointments")

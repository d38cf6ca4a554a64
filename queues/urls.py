from django.urls import path

from .views import appointments, board, citizen, staff

app_name = "queues"
urlpatterns = [
    path("o/<int:office_id>/kiosk/", citizen.kiosk, name="kiosk"),
    path("o/<int:office_id>/check-in/", citizen.kiosk_check_in, name="check_in"),
    path("o/<int:office_id>/remote/", citizen.remote_ticket, name="remote"),
    path("o/<int:office_id>/board/", board.board, name="board"),
    path("o/<int:office_id>/board/state/", board.board_fragment, name="board_state"),
    path("t/<uuid:reference>/", citizen.ticket_phone, name="ticket_phone"),
    path("t/<uuid:reference>/status/", citizen.ticket_status, name="ticket_status"),
    path("t/<uuid:reference>/print/", citizen.ticket_print, name="ticket_print"),
    path("t/<uuid:reference>/pdf/", citizen.ticket_pdf, name="ticket_pdf"),
    path("t/<uuid:reference>/give-up/", citizen.ticket_give_up, name="ticket_give_up"),
    path("appointments/", appointments.appointments, name="appointments"),
    path(
        "appointments/<uuid:reference>/cancel/",
        appointments.appointment_cancel,
        name="appointment_cancel",
    ),
    path("counter/", staff.counter_panel, name="counter"),
    path("counter/<str:action>/", staff.counter_act, name="counter_act"),
    path("live/", staff.live, name="live"),
    path("live/counters/<int:counter_id>/", staff.live_counter, name="live_counter"),
    path(
        "live/counters/<int:counter_id>/officer/",
        staff.live_counter_officer,
        name="live_counter_officer",
    ),
]

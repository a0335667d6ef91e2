"""Appointment pages on a comune's site: the six-step flow, its check/cancel page, the desk agenda."""

from django.urls import path

from src.appointments import front_desk
from src.appointments import views as appointments

app_name = "appointments"

urlpatterns = [
    path("appuntamenti/prenota/", appointments.place, name="appointment_start"),
    path("appuntamenti/prenota/1-luogo/", appointments.place, name="appointment_place"),
    path("appuntamenti/prenota/2-data-e-ora/", appointments.when, name="appointment_when"),
    path("appuntamenti/prenota/3-dettagli/", appointments.details, name="appointment_details"),
    path("appuntamenti/prenota/4-richiedente/", appointments.applicant, name="appointment_applicant"),
    path("appuntamenti/prenota/5-riepilogo/", appointments.summary, name="appointment_summary"),
    path("appuntamenti/prenota/6-conferma/", appointments.done, name="appointment_done"),
    path("appuntamenti/conferma/<str:token>/", appointments.confirm, name="appointment_confirm"),
    path("appuntamenti/verifica/", appointments.check, name="appointment_check"),
    path("appuntamenti/annulla/", appointments.cancel, name="appointment_cancel"),
    path("appuntamenti/agenda/<int:desk_pk>/", front_desk.agenda, name="appointment_agenda"),
    path("appuntamenti/agenda/<int:desk_pk>/<str:code>/", front_desk.agenda_mark, name="appointment_agenda_mark"),
]

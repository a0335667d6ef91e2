"""Appointment routes under /api/v1/ (included from config/api_v1.py)."""

from django.urls import path

from src.appointments import api

urlpatterns = [
    path("desks/<int:desk_pk>/slots/", api.DeskSlotsApi.as_view(), name="desk-slots"),
    path("desks/<int:desk_pk>/appointments/", api.DeskAgendaApi.as_view(), name="desk-agenda"),
    path("appointments/", api.AppointmentListApi.as_view(), name="appointment-list"),
    path("appointments/lookup/", api.AppointmentLookupApi.as_view(), name="appointment-lookup"),
    path("appointments/confirm/", api.AppointmentConfirmApi.as_view(), name="appointment-confirm"),
    path("appointments/<str:code>/", api.AppointmentDetailApi.as_view(), name="appointment-detail"),
    path("appointments/<str:code>/cancel/", api.AppointmentCancelApi.as_view(), name="appointment-cancel"),
    path("appointments/<str:code>/attendance/", api.AppointmentAttendanceApi.as_view(), name="appointment-attendance"),
]

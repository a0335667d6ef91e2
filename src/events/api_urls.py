from django.urls import path

from src.events import api

urlpatterns = [
    path("events/", api.EventListApi.as_view(), name="event-list"),
    path("events/<int:pk>/", api.EventDetailApi.as_view(), name="event-detail"),
    path("events/<int:pk>/registration/", api.EventRegistrationApi.as_view(), name="event-registration"),
    path("events/<int:pk>/registrations/", api.EventAttendeesApi.as_view(), name="event-attendees"),
    path(
        "events/<int:pk>/registrations/<int:registration_pk>/attendance/",
        api.AttendanceApi.as_view(),
        name="event-attendance",
    ),
]

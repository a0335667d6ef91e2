"""Booking pages on a comune's subdomain (Italian paths, as the rest of the site)."""

from django.urls import path, re_path

from src.bookings import front_desk, plan_views, views

app_name = "bookings"

CODE = r"(?P<code>[A-Z0-9]{8})"

urlpatterns = [
    path("prenota/<slug:hub_slug>/", views.availability, name="availability"),
    path("prenota/<slug:hub_slug>/nuova/", views.booking_new, name="new"),
    path("prenota/<slug:hub_slug>/posto/", plan_views.seat_plan, name="seat_plan"),
    path("prenota/<slug:hub_slug>/settimana/", plan_views.week, name="week"),
    # "Le mie prenotazioni" (/prenotazioni/) is the portal's: bookings, appointments and events together.
    path("prenotazioni/calendario/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    re_path(rf"^prenotazioni/{CODE}/$", views.detail, name="detail"),
    re_path(rf"^prenotazioni/{CODE}/annulla/$", views.cancel, name="cancel"),
    re_path(rf"^prenotazioni/{CODE}/check-in/$", views.check_in, name="check_in"),
    path("lista-attesa/", views.waitlist, name="waitlist"),
    path("lista-attesa/nuova/", views.waitlist_join_form, name="waitlist_join"),
    re_path(
        r"^lista-attesa/(?P<pk>\d+)/(?P<answer>accetta|rifiuta|esci)/$", views.waitlist_answer, name="waitlist_answer"
    ),
    path("accoglienza/", front_desk.hubs, name="front_desk_hubs"),
    path("accoglienza/<slug:hub_slug>/", front_desk.sheet, name="front_desk"),
    path("accoglienza/<slug:hub_slug>/check-in/", front_desk.check_in, name="front_desk_check_in"),
    path("accoglienza/<slug:hub_slug>/walk-in/", front_desk.walk_in, name="front_desk_walk_in"),
    re_path(
        rf"^accoglienza/(?P<hub_slug>[-\w]+)/{CODE}/(?P<action>check-in|assente|annulla)/$",
        front_desk.booking_action,
        name="front_desk_action",
    ),
]

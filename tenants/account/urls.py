"""The personal area, served on the union site and on every comune's host under /account/."""

from django.urls import path

from tenants.account import views

app_name = "account"

urlpatterns = [
    path("", views.home, name="home"),
    path("profilo/", views.profile, name="profile"),
    path("accesso/", views.security, name="security"),
    path("accesso/password/", views.password_change, name="password_change"),
    path("accesso/esci-ovunque/", views.sessions_end, name="sessions_end"),
    path("notifiche/", views.notifications, name="notifications"),
    path("notifiche/calendario/rinnova/", views.calendar_renew, name="calendar_renew"),
    path("prenotazioni/", views.bookings, name="bookings"),
    path("azienda/", views.firm, name="firm"),
    path("i-miei-dati/", views.data, name="data"),
    path("i-miei-dati/esporta/", views.data_export, name="data_export"),
    path("i-miei-dati/cancella-account/", views.erase, name="erase"),
]

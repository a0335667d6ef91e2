from django.urls import path

from src.events import views

app_name = "events"

urlpatterns = [
    path("eventi/", views.event_list, name="event_list"),
    path("eventi/<int:pk>/", views.event_detail, name="event_detail"),
    path("eventi/<int:pk>/iscrizione/", views.register, name="register"),
    path("eventi/<int:pk>/iscrizione/annulla/", views.unregister, name="unregister"),
    path("eventi/<int:pk>/presenze/", views.attendance, name="attendance"),
    path("eventi/<int:pk>/presenze/<int:registration_pk>/", views.attendance_mark, name="attendance_mark"),
]

from django.urls import path

from bench.floor import views

urlpatterns = [
    path("bookings/", views.FloorBookingCreate.as_view(), name="bench_floor_bookings"),
    path("items/", views.FloorItemList.as_view(), name="bench_floor_items"),
]

"""Bookings under /api/v1/ (included by config/api_v1.py)."""

from django.urls import path, re_path

from src.bookings import api

CODE = r"(?P<code>[A-Za-z0-9]{8})"

urlpatterns = [
    path("availability/", api.AvailabilityView.as_view(), name="api_availability"),
    path("bookings/", api.BookingListCreateView.as_view(), name="api_bookings"),
    path("bookings/series/", api.BookingSeriesView.as_view(), name="api_booking_series"),
    path("bookings/calendar-feed/", api.CalendarFeedView.as_view(), name="api_calendar_feed"),
    re_path(rf"^bookings/{CODE}/$", api.BookingDetailView.as_view(), name="api_booking"),
    re_path(rf"^bookings/{CODE}/cancel/$", api.BookingCancelView.as_view(), name="api_booking_cancel"),
    re_path(rf"^bookings/{CODE}/check-in/$", api.BookingCheckInView.as_view(), name="api_booking_check_in"),
    path("booking-policy/", api.PolicyView.as_view(), name="api_booking_policy"),
    path("waitlist/", api.WaitlistView.as_view(), name="api_waitlist"),
    path("waitlist/<int:pk>/", api.WaitlistEntryView.as_view(), name="api_waitlist_entry"),
    path("waitlist/<int:pk>/accept/", api.WaitlistAcceptView.as_view(), name="api_waitlist_accept"),
    path("waitlist/<int:pk>/decline/", api.WaitlistDeclineView.as_view(), name="api_waitlist_decline"),
    path("front-desk/sheet/", api.FrontDeskSheetView.as_view(), name="api_front_desk_sheet"),
    path("front-desk/check-in/", api.FrontDeskCheckInView.as_view(), name="api_front_desk_check_in"),
    path("front-desk/bookings/", api.FrontDeskWalkInView.as_view(), name="api_front_desk_walk_in"),
    re_path(
        rf"^front-desk/bookings/{CODE}/no-show/$", api.FrontDeskNoShowView.as_view(), name="api_front_desk_no_show"
    ),
]

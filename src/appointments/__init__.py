"""Appointments at a comune's service desks (sportelli).

models.py: `Appointment` and its recorded transitions; services.py: booking and
cancelling; selectors.py: the free slots a desk publishes and look-ups by code;
views.py: the Designers Italia appointment flow; api.py: the same for the app.
"""

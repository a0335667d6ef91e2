"""How long a comune keeps personal data that no account holder manages: GDPR_RETENTION_MONTHS
(default 24) after the fact, then the jobs anonymise it (src/appointments/jobs.py: appointments;
src/bookings/jobs.py: bookings made at the front desk for people without an account). The
privacy notice (templates/portal/legal/privacy.html) states the same number."""

import calendar
from datetime import date, datetime

from django.conf import settings

from src.common.time import ROME, local_datetime


def retention_months() -> int:
    return int(getattr(settings, "GDPR_RETENTION_MONTHS", 24))


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it has fewer)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_cutoff(now: datetime) -> datetime:
    """Local midnight GDPR_RETENTION_MONTHS before `now`'s day: what ended before it is anonymised."""
    day = months_before(now.astimezone(ROME).date(), retention_months())
    return local_datetime(day, datetime.min.time())

"""Report periods: a day, an ISO week or a calendar month, in local (Europe/Rome) days."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

DAY, WEEK, MONTH = "day", "week", "month"
KINDS = {DAY: _("giorno"), WEEK: _("settimana"), MONTH: _("mese")}
# How many periods the trend charts go back.
TREND_LENGTH = {DAY: 14, WEEK: 12, MONTH: 12}


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # excluded

    @classmethod
    def containing(cls, kind: str, day: date) -> "Period":
        if kind == DAY:
            return cls(DAY, day, day + timedelta(days=1))
        if kind == WEEK:
            start = day - timedelta(days=day.weekday())
            return cls(WEEK, start, start + timedelta(days=7))
        if kind == MONTH:
            start = _month_start(day)
            return cls(MONTH, start, _add_months(start, 1))
        raise ValueError(f"Unknown period kind {kind!r}")

    def shifted(self, count: int) -> "Period":
        if self.kind == MONTH:
            return Period.containing(MONTH, _add_months(self.start, count))
        step = timedelta(days=1 if self.kind == DAY else 7)
        return Period.containing(self.kind, self.start + step * count)

    def previous(self) -> "Period":
        return self.shifted(-1)

    def trend(self, length: int | None = None) -> list["Period"]:
        length = length or TREND_LENGTH[self.kind]
        return [self.shifted(offset) for offset in range(-length + 1, 1)]

    @property
    def label(self) -> str:
        if self.kind == DAY:
            return date_format(self.start, "l j F Y")
        if self.kind == WEEK:
            last = self.end - timedelta(days=1)
            return _("settimana dal %(start)s al %(end)s") % {
                "start": date_format(self.start, "j F"),
                "end": date_format(last, "j F Y"),
            }
        return date_format(self.start, "F Y")

    @property
    def short_label(self) -> str:
        if self.kind == MONTH:
            return self.start.strftime("%Y-%m")
        if self.kind == WEEK:
            year, week, _weekday = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return self.start.isoformat()


def default_period(kind: str = MONTH, today: date | None = None) -> Period:
    """The period under way (this month, week or day): what staff look at first. The last
    complete period opened a first visit on a month with no data yet (all zeros); the lead line
    says which period is shown, and the previous one is a click away."""
    today = today or timezone.localdate()
    return Period.containing(kind, today)

"""Every measure on the fixed data of conftest.py, against answers worked out by hand.

February 2026 starts on a Sunday and has exactly four of each weekday.
The same answers must come from the live UNION ALL and from the rollup tables.
"""

from datetime import date

import pytest

from tenants.reporting.periods import Period
from tenants.reporting.rollup import rollup_refresh
from tenants.reporting.schemas import comune_schemas
from tenants.reporting.selectors import ReportQuery, report_build
from tenants.reporting.sql.source import Window
from tests.reporting.conftest import FEBRUARY


def _report(mode: str, **query) -> dict:
    if mode == "rollup":
        rollup_refresh(window=Window(date(2025, 1, 1), date(2026, 6, 1)))
    query.setdefault("comuni", comune_schemas())
    report = report_build(ReportQuery(period=Period.containing("month", FEBRUARY), mode=mode, **query))
    assert report["meta"]["source"] == mode
    return report


@pytest.fixture(params=["live", "rollup"])
def report(request, union_data):
    return _report(request.param)


def by_slug(rows):
    return {row["comune"]: row for row in rows}


def test_bookings_hours_occupancy_and_no_shows(report):
    summary = report["summary"]
    cesena = by_slug(summary["comuni"])["cesena"]["current"]
    # Cesena, February: 7 bookings made, less the held one (payment pending) = 6;
    # one cancelled (Bruno, 5th), one no-show (Bruno, 3rd); attended: Anna 3rd and 4th, Carla 10th = 3.
    assert (cesena["bookings"], cesena["cancelled"], cesena["no_show"], cesena["attended"]) == (6, 1, 1, 3)
    # No-show rate = no-shows / bookings with a known outcome = 1 / (3 + 1) = 0.25.
    assert cesena["no_show_rate"] == pytest.approx(0.25)
    # Hours booked (confirmed, checked in, completed): 4 + 4 + 2 (meeting room) + 4 (whole coworking) = 14.
    assert cesena["booked_hours"] == pytest.approx(14)
    # Open hours: Tue-Sun 9-13 + 14-18 = 8 h (the overlapping Tuesday row adds nothing);
    # 24 such days in February, minus the closure on Sat 14th = 23 days x 8 h = 184 h,
    # plus the special opening on Mon 16th, 9-13 = 4 h -> 188 h.
    # Units: coworking 4 active seats (the inactive one does not count), meeting room 1 (whole only).
    # Tue 17th the coworking has a whole-room-only layout: 1 unit that day instead of 4.
    # Open unit-hours = 188 x 4 - 8 x (4 - 1) + 188 x 1 = 752 - 24 + 188 = 916.
    assert cesena["open_unit_hours"] == pytest.approx(916)
    # Booked unit-hours: seats 4 + 4; meeting room 2 h x 1; whole coworking 4 h x 4 units = 16 -> 26.
    assert cesena["booked_unit_hours"] == pytest.approx(26)
    assert cesena["occupancy"] == pytest.approx(26 / 916)
    # Unique people with a live booking: Anna, Bruno (a no-show still booked), Carla = 3.
    assert cesena["people"] == 3

    sarsina = by_slug(summary["comuni"])["sarsina"]["current"]
    # Sarsina: Mon-Fri 9-13 + 14-16 = 6 h, 20 weekdays, 2 seats -> 240 unit-hours; booked 4 + 4 + 2 + 4 = 14.
    assert sarsina["occupancy"] == pytest.approx(14 / 240)
    assert sarsina["no_show_rate"] == 0

    mercato = by_slug(summary["comuni"])["mercato-saraceno"]["current"]
    # Mercato Saraceno: Tue and Thu 9-17 = 8 h, 8 days, 3 seats -> 192; booked 8 + 4 = 12 -> 0.0625.
    assert mercato["occupancy"] == pytest.approx(12 / 192)
    # Franco's no-show on the 12th: 1 / (2 attended + 1).
    assert mercato["no_show_rate"] == pytest.approx(1 / 3)

    union = summary["union"]["current"]
    assert union["bookings"] == 6 + 4 + 3
    # Anna booked in Cesena and Sarsina: counted once in the union -> 7 people, not 8.
    assert union["people"] == 7
    assert union["occupancy"] == pytest.approx((26 + 14 + 12) / (916 + 240 + 192))
    assert union["no_show_rate"] == pytest.approx(2 / (3 + 4 + 2 + 2))


def test_comparison_with_the_previous_period(report):
    cesena = by_slug(report["summary"]["comuni"])["cesena"]
    # January: one booking (Anna, Tue 20th, 4 h). Open: 27 days x 8 h = 216 h; 216 x 4 + 216 x 1 = 1080.
    assert cesena["previous"]["bookings"] == 1
    assert cesena["previous"]["occupancy"] == pytest.approx(4 / 1080)
    assert cesena["change"]["bookings"] == 500.0  # 1 -> 6
    # Rates change in percentage points: (26/916 - 4/1080) x 100 = 2.47 points.
    assert cesena["change"]["occupancy"] == pytest.approx(round((26 / 916 - 4 / 1080) * 100, 1))
    assert by_slug(report["summary"]["comuni"])["sarsina"]["change"]["bookings"] is None  # nothing to compare with


def test_hub_and_space_levels(report):
    spaces = {(s["comune"], s["space_name"]): s["current"] for s in report["summary"]["spaces"]}
    # Meeting room: 188 open hours x 1 unit, booked 2 h.
    assert spaces[("cesena", "Sala riunioni")]["occupancy"] == pytest.approx(2 / 188)
    assert spaces[("cesena", "Coworking")]["occupancy"] == pytest.approx(24 / 728)
    hubs = {h["hub_name"]: h["current"] for h in report["summary"]["hubs"]}
    assert hubs["Hub Cesena"]["bookings"] == 6


def test_busiest_hours_and_weekdays(report):
    hours = report["hours"]
    # 9-10: Cesena 3rd and 11th, Sarsina 2nd, 3rd, 4th, Mercato Franco and Giulia on the 5th = 7 h.
    assert hours["by_hour"][9] == 7
    # 14-15: Anna in Cesena (4th), Carla's meeting (10th), Anna in Sarsina (3rd), Franco in Mercato (5th).
    assert hours["by_hour"][14] == 4
    # Four Mondays; only Elena on Mon 2nd, 4 h -> 1 h on average. Tuesdays: 4+4+2+2 = 12 -> 3 h.
    assert hours["by_weekday_average"][0] == 1.0
    assert hours["by_weekday_average"][1] == 3.0
    assert hours["busiest"]["sarsina"] == {"hour": 9, "weekday": 1}


def test_desk_appointments_by_desk_and_topic(report):
    desk = report["desks"]["desks"][0]
    assert desk["desk_name"] == "Sportello Facile"
    assert desk["current"] == {"appointments": 4, "cancelled": 1, "attended": 1, "no_show": 1, "no_show_rate": 0.5}
    assert desk["previous"]["appointments"] == 1
    topics = {t["topic"]: t["current"]["appointments"] for t in report["desks"]["topics"]}
    assert topics == {"ISEE": 2, "SPID": 2}


def test_event_registrations_and_attendance(report):
    event = report["events"]["events"][0]
    # Registered = holding a place (registered or attended) = 3; one on the waitlist, one cancelled.
    assert (event["registered"], event["waitlisted"], event["cancelled"], event["attended"]) == (3, 1, 1, 2)
    assert event["attendance_rate"] == pytest.approx(2 / 3)
    assert by_slug(report["events"]["comuni"])["sarsina"]["current"]["events"] == 1


def test_people_by_category(report):
    people = report["people"]
    cesena = by_slug(people["comuni"])["cesena"]["current"]
    # Anna lives in Cesena, Bruno in Sarsina (another comune of the union), Carla's home is not on file.
    assert (cesena["residents"], cesena["other_union"], cesena["outside"]) == (1, 1, 1)
    sarsina = by_slug(people["comuni"])["sarsina"]["current"]
    # Elena lives there (and is a public employee); Anna (Cesena) and Hana (Mercato) come from the union.
    assert (sarsina["residents"], sarsina["other_union"], sarsina["public_employees"]) == (1, 2, 1)
    union = people["union"]["current"]
    assert (union["people"], union["union_residents"], union["outside"]) == (7, 5, 2)
    assert people["firm_employees_available"] is True
    assert union["firm_employees"] == 0  # nobody booked under an agreement here (tests/firms/test_reports.py)


def test_commuting_avoided(report):
    commuting = report["commuting"]
    factor = commuting["emission_factor"]["grams_per_km"]
    assert factor == 163  # tenants/reporting/data/fattore_emissione.csv
    cesena = by_slug(commuting["comuni"])["cesena"]["current"]
    # Anna: home Cesena, works in Bologna (91 km); hub in her own comune, so nothing to subtract.
    # Checked in on the 3rd and 4th: 2 days x 2 x 91 = 364 km. (On the 3rd she also checked in in
    # Sarsina at 14:00: the day counts once, for the first check-in, in Cesena.)
    # Carla checked in but has no commute profile: not computable.
    assert (cesena["trips_avoided"], cesena["km"], cesena["not_computable"]) == (2, 364, 1)
    assert cesena["kg_co2"] == pytest.approx(364 * 163 / 1000)  # 59.332 kg
    sarsina = by_slug(commuting["comuni"])["sarsina"]["current"]
    # Elena: Sarsina -> Cesena 31 km, hub at home: 2 days x 62 = 124 km.
    # Hana: Mercato -> Cesena 23 km, but she drove to Sarsina (9 km): 2 x (23 - 9) = 28 km.
    assert sarsina["km"] == 124 + 28
    mercato = by_slug(commuting["comuni"])["mercato-saraceno"]["current"]
    # Franco: Mercato -> Forlì 38 km, 1 day: 76 km (his no-show on the 12th saves nothing).
    assert mercato["km"] == 76
    union = commuting["union"]["current"]
    assert union["km"] == 364 + 152 + 76 == 592
    assert union["kg_co2"] == pytest.approx(592 * 0.163)  # 96.496 kg
    assert commuting["union"]["previous"]["km"] == 182  # Anna, 20 January


def test_trend_has_one_point_per_month(report):
    trend = report["trend"]
    assert trend["periods"][-2:] == ["2026-01", "2026-02"]
    assert len(trend["periods"]) == 12
    assert [point["bookings"] for point in trend["series"]["cesena"][-2:]] == [1, 6]
    assert trend["series"]["union"][-1]["people"] == 7


def test_scope_to_one_comune_and_one_hub(union_data, cesena):
    only_cesena = _report("live", comuni=comune_schemas(["cesena"]))
    assert [row["comune"] for row in only_cesena["summary"]["comuni"]] == ["cesena"]
    assert only_cesena["summary"]["union"]["current"]["bookings"] == 6
    hub = _report("live", comuni=comune_schemas(["cesena"]), hub=("cesena", union_data["cesena_hub"]))
    assert hub["summary"]["union"]["current"]["people"] == 3


def test_week_and_day_periods(union_data):
    week = report_build(
        ReportQuery(comuni=comune_schemas(), period=Period.containing("week", date(2026, 2, 3)), mode="live")
    )
    # Week of Mon 2 - Sun 8 February: Cesena 3rd, 3rd, 4th, 5th (cancelled); Sarsina 2nd, 3rd, 3rd, 4th;
    # Mercato 5th x 2 -> 10 bookings.
    assert week["summary"]["union"]["current"]["bookings"] == 10
    day = report_build(
        ReportQuery(comuni=comune_schemas(), period=Period.containing("day", date(2026, 2, 5)), mode="live")
    )
    assert day["summary"]["union"]["current"]["bookings"] == 3  # Bruno (cancelled), Franco, Giulia
    assert day["meta"]["previous"]["start"] == "2026-02-04"


def test_a_commute_profile_without_consent_is_not_used(union_data, people):
    from tenants.reporting.models import CommuteProfile

    CommuteProfile.objects.filter(user=people["anna"]).update(consented_at=None)
    CommuteProfile.objects.filter(user=people["elena"]).update(consented_at=None)
    report = _report("live")
    cesena = by_slug(report["commuting"]["comuni"])["cesena"]["current"]
    # Anna's two checked-in days in Cesena are no longer computed: not computable, like Carla's.
    assert (cesena["trips_avoided"], cesena["km"], cesena["not_computable"]) == (0, 0, 3)
    # Nor is Elena counted as a public employee any more.
    assert by_slug(report["people"]["comuni"])["sarsina"]["current"]["public_employees"] == 0

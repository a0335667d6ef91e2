"""Union dashboard query time: the six comuni with a year of activity, then up to 300 comuni.

    make bench
    python -m config.localdb --temporary -- python -m bench reporting

1. Creates the six comuni (if missing) and gives each a hub with a year of
   realistic activity (seats booked mornings and afternoons Tuesday to Sunday,
   a meeting room, desk appointments, weekly events, people living in the
   union with commute profiles), all with SQL `generate_series`, no ORM loops.
2. Times the union dashboard (`report_build`: every measure, one statement
   each) read live (generated UNION ALL) and from the rollups, and the whole
   page over HTTP.
3. Clones synthetic comuni from the template schema (municipality_create) in
   steps up to 300, each with the same kind of year, and times it again at
   each step, with the full rollup refresh that the rollup reading needs.

Everything it creates is removed at the end (synthetic schemas, accounts,
the benchmark hubs in the six comuni), so it can also run on DATABASE_URL.
"""

import os
import statistics
import time
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.utils import timezone

STEPS = tuple(int(n) for n in os.environ.get("BENCH_REPORTING_STEPS", "6,100,300").split(","))
HUB_SLUG = "hub-benchmark-statistiche"
EMAIL_DOMAIN = "bench-statistiche.example.org"
SYNTHETIC_PREFIX = "sintetico-"
# Live reads of hundreds of comuni take seconds: one timed run there (0 = no warm-up run).
LIVE_REPEATS = {6: 5, 100: 0, 300: 0}
ROLLUP_REPEATS = 7


def _log(message: str) -> None:
    print(f"  {message}", flush=True)


# --- data -------------------------------------------------------------------------------------------


def _people(comune_ids: list[int], per_comune: int) -> None:
    """Residents of each comune (and a tenth with no home on file), with commute profiles for a third."""
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = public")
        cursor.execute(
            f"""
            INSERT INTO public.identity_user (password, is_superuser, email, first_name, last_name, phone, language,
                                              is_staff, is_active, date_joined, home_municipality_id)
            SELECT '!', false, 'p' || m || '-' || n || '@{EMAIL_DOMAIN}', '', '', '', 'it', false, true, now(),
                   CASE WHEN n %% 10 = 0 THEN NULL ELSE m END
            FROM unnest(%s::bigint[]) AS m, generate_series(1, %s) AS n
            ON CONFLICT (email) DO NOTHING
            """,
            [comune_ids, per_comune],
        )
        cursor.execute(
            """
            INSERT INTO public.reporting_commuteprofile
                (user_id, workplace_istat_code, is_public_employee, consented_at, updated_at)
            SELECT u.id, (ARRAY['040007','040012','099014','037006','039014','040020'])[1 + u.id %% 6], u.id %% 7 = 0,
                   now(), now()
            FROM public.identity_user u
            WHERE u.email LIKE %s AND u.id %% 3 = 0
            ON CONFLICT (user_id) DO NOTHING
            """,
            [f"%@{EMAIL_DOMAIN}"],
        )
        cursor.execute("ANALYZE public.identity_user")
        cursor.execute("ANALYZE public.reporting_commuteprofile")


def _activity(schema: str, comune_id: int, seats: int, occupancy: float, start, end) -> None:
    """A hub with a year of activity in one comune's schema. Bench set-up, not reporting: one schema at a time."""
    s = f'"{schema}"'
    with connection.cursor() as cursor:
        cursor.execute(f"SET search_path = {s}, public")
        cursor.execute(
            f"""
            INSERT INTO {s}.hubs_hub (name, slug, address, postal_code, town, description, accessibility_notes,
                                      phone, email, opened_on, is_published)
            VALUES ('Hub di comunità (benchmark)', %s, 'Piazza del Popolo 1', '', 'Centro', '', '', '', '', NULL, true)
            RETURNING id
            """,
            [HUB_SLUG],
        )
        hub = cursor.fetchone()[0]
        cursor.execute(
            f"""
            INSERT INTO {s}.hubs_openinghours (hub_id, weekday, opens, closes)
            SELECT %s, w, o, c FROM generate_series(1, 6) AS w,
                   (VALUES (time '09:00', time '13:00'), (time '14:00', time '19:00')) AS h(o, c)
            """,
            [hub],
        )
        cursor.execute(
            f"""
            INSERT INTO {s}.hubs_space (hub_id, name, kind, capacity, amenities, bookable_whole, description)
            VALUES (%s, 'Coworking', 'coworking', %s, '{{}}', false, ''),
                   (%s, 'Sala riunioni', 'meeting', 10, '{{}}', true, '')
            RETURNING id
            """,
            [hub, seats, hub],
        )
        cowork, meeting = (row[0] for row in cursor.fetchall())
        cursor.execute(
            f"""
            INSERT INTO {s}.hubs_seat (space_id, label, features, is_active)
            SELECT %s, 'P' || n, '{{}}', true FROM generate_series(1, %s) AS n
            """,
            [cowork, seats],
        )
        # People: 85 % the comune's own residents, the rest from anywhere in the union.
        cursor.execute(
            "SELECT min(id), count(*) FROM public.identity_user WHERE home_municipality_id = %s AND email LIKE %s",
            [comune_id, f"%@{EMAIL_DOMAIN}"],
        )
        local_min, local_n = cursor.fetchone()
        cursor.execute("SELECT min(id), max(id) FROM public.identity_user WHERE email LIKE %s", [f"%@{EMAIL_DOMAIN}"])
        all_min, all_max = cursor.fetchone()
        person = (
            f"CASE WHEN random() < 0.85 THEN {int(local_min)} + floor(random() * {int(local_n)})::bigint "
            f"ELSE {int(all_min)} + floor(random() * {int(all_max - all_min + 1)})::bigint END"
        )
        # Seats: mornings and afternoons, Tuesday to Sunday; a busier Tuesday-Thursday.
        state = (
            "CASE WHEN d >= current_date THEN 'confirmed' WHEN r < 0.06 THEN 'no_show' "
            "WHEN r < 0.16 THEN 'cancelled' WHEN r < 0.18 THEN 'checked_in' ELSE 'completed' END"
        )
        cursor.execute(
            f"""
            INSERT INTO {s}.bookings_booking (code, period, state, channel, created_at, hub_id, person_id, seat_id, space_id)
            SELECT 'Z' || lpad(to_hex(row_number() OVER ()), 7, '0'),
                   tstzrange((d + o) AT TIME ZONE 'Europe/Rome', (d + c) AT TIME ZONE 'Europe/Rome'),
                   {state}, 'web', now(), %(hub)s, {person}, st.id, %(cowork)s
            FROM generate_series(%(start)s::date, %(end)s::date - 1, interval '1 day') AS g(d0)
            CROSS JOIN LATERAL (SELECT g.d0::date AS d, random() AS r) x
            CROSS JOIN (VALUES (time '09:00', time '13:00'), (time '14:00', time '19:00')) AS h(o, c)
            JOIN {s}.hubs_seat st ON st.space_id = %(cowork)s
            WHERE extract(isodow FROM d) <> 1
              AND random() < %(p)s * CASE WHEN extract(isodow FROM d) IN (2, 3, 4) THEN 1.2 ELSE 0.8 END
            """,
            {"hub": hub, "cowork": cowork, "start": start, "end": end, "p": occupancy},
        )
        cursor.execute(
            f"""
            INSERT INTO {s}.bookings_booking (code, period, state, channel, created_at, hub_id, person_id, seat_id, space_id)
            SELECT 'Y' || lpad(to_hex(row_number() OVER ()), 7, '0'),
                   tstzrange((d + o) AT TIME ZONE 'Europe/Rome', (d + o + interval '2 hours') AT TIME ZONE 'Europe/Rome'),
                   {state}, 'web', now(), %(hub)s, {person}, NULL, %(meeting)s
            FROM generate_series(%(start)s::date, %(end)s::date - 1, interval '1 day') AS g(d0)
            CROSS JOIN LATERAL (SELECT g.d0::date AS d, random() AS r) x
            CROSS JOIN (VALUES (time '09:00'), (time '11:00'), (time '14:00'), (time '16:00')) AS h(o)
            WHERE extract(isodow FROM d) <> 1 AND random() < 0.3
            """,
            {"hub": hub, "meeting": meeting, "start": start, "end": end},
        )
        cursor.execute(
            f"""
            INSERT INTO {s}.desks_servicedesk (hub_id, kind, name, description, topics, how_to_reach,
                                               takes_appointments, slot_minutes, email, phone)
            VALUES (%s, 'sportello_facile', 'Sportello Facile (benchmark)', '', '{{ISEE,SPID,Tributi,Anagrafe}}',
                    '', true, 30, '', '')
            RETURNING id
            """,
            [hub],
        )
        desk = cursor.fetchone()[0]
        cursor.execute(
            f"""
            INSERT INTO {s}.desks_appointment (code, period, topic, details, applicant_name, email, phone, fiscal_code,
                                               language, state, created_at, desk_id, person_id)
            SELECT 'Z' || lpad(to_hex(row_number() OVER ()), 8, '0'),
                   tstzrange((d + t) AT TIME ZONE 'Europe/Rome', (d + t + interval '30 minutes') AT TIME ZONE 'Europe/Rome'),
                   (ARRAY['ISEE','SPID','Tributi','Anagrafe'])[1 + floor(random() * 4)::int], '', 'Persona', 'persona@{EMAIL_DOMAIN}',
                   '', '', 'it',
                   CASE WHEN d >= current_date THEN 'booked' WHEN r < 0.07 THEN 'no_show' WHEN r < 0.2 THEN 'cancelled' ELSE 'attended' END,
                   now(), %(desk)s, {person}
            FROM generate_series(%(start)s::date, %(end)s::date - 1, interval '1 day') AS g(d0)
            CROSS JOIN LATERAL (SELECT g.d0::date AS d, random() AS r) x
            CROSS JOIN (SELECT time '09:00' + n * interval '30 minutes' AS t FROM generate_series(0, 7) AS n) AS slots
            WHERE extract(isodow FROM d) IN (2, 4, 6) AND random() < 0.45
            """,
            {"desk": desk, "start": start, "end": end},
        )
        cursor.execute(
            f"""
            WITH ev AS (
              INSERT INTO {s}.events_event (hub_id, title, description, kind, starts_at, ends_at, capacity,
                                            registration_open, is_published, created_at)
              SELECT %(hub)s, 'Incontro del giovedì', '', 'talk', (d + time '18:00') AT TIME ZONE 'Europe/Rome',
                     (d + time '20:00') AT TIME ZONE 'Europe/Rome', 20, true, true, now()
              FROM generate_series(%(start)s::date, %(end)s::date - 1, interval '1 day') AS g(d)
              WHERE extract(isodow FROM d) = 4
              RETURNING id, starts_at
            )
            INSERT INTO {s}.events_eventregistration (event_id, person_id, state, created_at, queued_at)
            SELECT ev.id, {int(local_min)} + (ev.id * 7 + k) %% {int(local_n)},
                   CASE WHEN k > 20 THEN 'waitlisted' WHEN ev.starts_at > now() THEN 'registered'
                        WHEN random() < 0.75 THEN 'attended' WHEN random() < 0.5 THEN 'cancelled' ELSE 'registered' END,
                   now(), now()
            FROM ev CROSS JOIN LATERAL generate_series(1, 8 + floor(random() * 16)::int) AS k
            WHERE k <= {int(local_n)}
            """,
            {"hub": hub, "start": start, "end": end},
        )
        # As autovacuum would soon after a bulk load: planner statistics for the new rows.
        for table in (
            "hubs_hub",
            "hubs_space",
            "hubs_seat",
            "hubs_openinghours",
            "bookings_booking",
            "desks_servicedesk",
            "desks_appointment",
            "events_event",
            "events_eventregistration",
        ):
            cursor.execute(f"ANALYZE {s}.{table}")
        cursor.execute("SET search_path = public")


def _six_comuni():
    from tenants.comuni.services import union_provision

    union_provision()
    connection.set_schema_to_public()


def _synthetic_comuni(upto: int, existing: int) -> list:
    """Clone comuni from the template schema until there are `upto`; two at a time (two cores)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from tenants.comuni.services import municipality_create

    def create(number: int):
        try:
            return municipality_create(
                slug=f"{SYNTHETIC_PREFIX}{number:03d}",
                name=f"Comune sintetico {number:03d}",
                istat_code=f"98{number:04d}",
                province="FC",
            ).municipality
        finally:
            connections.close_all()  # this thread's connection

    with ThreadPoolExecutor(max_workers=2) as pool:
        created = list(pool.map(create, range(existing + 1, upto + 1)))
    connection.set_schema_to_public()
    return created


# --- timing -----------------------------------------------------------------------------------------


def _time_report(mode: str, repeats: int) -> dict:
    from tenants.reporting.periods import default_period
    from tenants.reporting.schemas import comune_schemas
    from tenants.reporting.selectors import ReportQuery, Timings, report_build

    comuni = comune_schemas()
    samples, breakdown = [], {}
    for _ in range(repeats + 1 if repeats else 1):  # the first of several runs warms caches; not counted
        timings = Timings()
        started = time.perf_counter()
        report = report_build(ReportQuery(comuni=comuni, period=default_period(), mode=mode), timings)
        samples.append(time.perf_counter() - started)
        breakdown = timings.measures
        assert report["meta"]["source"] == mode, report["meta"]["source"]
    samples = samples[1:] if repeats else samples
    return {
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
        "per_measure_ms": {k: round(v * 1000, 1) for k, v in breakdown.items()},
        "bookings_in_month": report["summary"]["union"]["current"]["bookings"],
    }


def _time_page(client: Client, repeats: int = 5) -> float:
    client.get("/statistiche/")
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get("/statistiche/")
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return round(statistics.median(samples) * 1000, 1)


def _staff_client() -> Client:
    from tenants.identity.models import Role, User

    user, _ = User.objects.get_or_create(email=f"staff@{EMAIL_DOMAIN}")
    Role.objects.get_or_create(user=user, kind=Role.Kind.UNION_STAFF, municipality=None)
    client = Client(HTTP_HOST=settings.UNION_DOMAIN)
    client.force_login(user)
    return client


def _volume() -> dict:
    """Rows behind the numbers, counted in the rollups the refresh just wrote."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(bookings), 0) FROM reporting_rollup.booking_day")
        bookings = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM reporting_rollup.person_day")
        person_days = cursor.fetchone()[0]
    return {"bookings": int(bookings), "person_days": person_days}


# --- clean-up ---------------------------------------------------------------------------------------


def _clean_up(synthetic: list, six_schemas: list[str]) -> None:
    from tenants.comuni.models import Domain, Municipality

    people = f"(SELECT id FROM public.identity_user WHERE email LIKE '%%@{EMAIL_DOMAIN}')"
    # A few schemas per transaction: dropping takes a lock per table, index and sequence.
    for first in range(0, len(synthetic), 10):
        batch = synthetic[first : first + 10]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA " + ", ".join(f'"{m.schema_name}"' for m in batch) + " CASCADE")
            Domain.objects.filter(tenant__in=batch).delete()
            Municipality.objects.filter(pk__in=[m.pk for m in batch]).delete()
    with transaction.atomic(), connection.cursor() as cursor:
        for schema in six_schemas:
            s = f'"{schema}"'
            hub = f"(SELECT id FROM {s}.hubs_hub WHERE slug = '{HUB_SLUG}')"
            for statement in (
                f"DELETE FROM {s}.desks_appointment WHERE desk_id IN (SELECT id FROM {s}.desks_servicedesk WHERE hub_id IN {hub})",
                f"DELETE FROM {s}.desks_servicedesk WHERE hub_id IN {hub}",
                f"DELETE FROM {s}.events_eventregistration WHERE event_id IN (SELECT id FROM {s}.events_event WHERE hub_id IN {hub})",
                f"DELETE FROM {s}.events_event WHERE hub_id IN {hub}",
                f"DELETE FROM {s}.bookings_booking WHERE hub_id IN {hub}",
                f"DELETE FROM {s}.hubs_seat WHERE space_id IN (SELECT id FROM {s}.hubs_space WHERE hub_id IN {hub})",
                f"DELETE FROM {s}.hubs_space WHERE hub_id IN {hub}",
                f"DELETE FROM {s}.hubs_openinghours WHERE hub_id IN {hub}",
                f"DELETE FROM {s}.hubs_hub WHERE id IN {hub}",
            ):
                cursor.execute(statement.replace("%%", "%"))
        for table in (
            "reporting_commuteprofile",
            "identity_role",
            "identity_user_groups",
            "identity_user_user_permissions",
        ):
            cursor.execute(f"DELETE FROM public.{table} WHERE user_id IN {people}".replace("%%", "%"))
        cursor.execute(f"DELETE FROM public.identity_user WHERE id IN {people}".replace("%%", "%"))
    connection.set_schema_to_public()


# --- run --------------------------------------------------------------------------------------------


def run() -> dict:
    from tenants.comuni.models import Municipality
    from tenants.comuni.services import template_schema_ensure
    from tenants.reporting.rollup import rollup_refresh
    from tenants.reporting.schemas import comune_schemas

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    template_schema_ensure()
    today = timezone.localdate()
    start, end = today - timedelta(days=365), today + timedelta(days=14)
    _six_comuni()
    six = comune_schemas()
    six_ids = {m.schema_name: m.pk for m in Municipality.objects.filter(schema_name__in=[c.schema for c in six])}
    results: dict = {"steps": []}
    synthetic: list = []
    try:
        started = time.perf_counter()
        _people(list(six_ids.values()), per_comune=120)
        for comune in six:
            big = comune.slug == "cesena"
            _activity(
                comune.schema,
                six_ids[comune.schema],
                seats=24 if big else 8,
                occupancy=0.55 if big else 0.35,
                start=start,
                end=end,
            )
        _log(f"a year of activity for the six comuni in {time.perf_counter() - started:.1f} s")
        client = _staff_client()

        for step in STEPS:
            if step > len(comune_schemas()):
                started = time.perf_counter()
                new = _synthetic_comuni(step, len(comune_schemas()))
                synthetic += new
                cloned = time.perf_counter() - started
                started = time.perf_counter()
                _people([m.pk for m in new], per_comune=60)
                for index, municipality in enumerate(new):
                    _activity(
                        municipality.schema_name,
                        municipality.pk,
                        seats=6 + index % 7,
                        occupancy=0.3,
                        start=start,
                        end=end,
                    )
                _log(
                    f"{len(new)} comuni cloned in {cloned:.1f} s, a year of activity each in {time.perf_counter() - started:.1f} s"
                )
            count = len(comune_schemas())
            refresh = rollup_refresh(full=True)
            try:
                live = _time_report("live", LIVE_REPEATS.get(step, 1))
            except OperationalError as error:
                # One statement over every schema locks every table it reads: past a few hundred
                # comuni that outgrows PostgreSQL's default lock table (max_locks_per_transaction).
                live = {"median_ms": None, "error": str(error).splitlines()[0]}
            rolled = _time_report("rollup", ROLLUP_REPEATS)
            page = _time_page(client)
            volume = _volume()
            step_result = {
                "comuni": count,
                **volume,
                "live": live,
                "rollup": rolled,
                "rollup_refresh_full_s": round(refresh.seconds, 2),
                "page_ms": page,
                "page_source": "rollup" if count > settings.REPORTING_LIVE_MAX_COMUNI else "live",
            }
            results["steps"].append(step_result)
            live_text = (
                f"{live['median_ms']:>7.1f} ms" if live["median_ms"] is not None else f"failed ({live['error']})"
            )
            _log(
                f"{count:>3} comuni, {volume['bookings']:>7} bookings: dashboard queries live {live_text}, "
                f"rollup {rolled['median_ms']:>6.1f} ms; page {page:>6.1f} ms ({step_result['page_source']}); "
                f"full rollup refresh {refresh.seconds:.1f} s"
            )

        def live_of(step):
            return (
                f"{step['live']['median_ms']:.0f} ms" if step["live"]["median_ms"] is not None else "fails (lock table)"
            )

        first, last = results["steps"][0], results["steps"][-1]
        print(
            f"Union dashboard, {first['comuni']} comuni with a year of activity: {live_of(first)} live "
            f"(target < 300 ms), page {first['page_ms']:.0f} ms"
        )
        print(
            f"Union dashboard, {last['comuni']} comuni: {last['rollup']['median_ms']:.0f} ms from rollups (target < 3 s), "
            f"live {live_of(last)}; page {last['page_ms']:.0f} ms; full rollup refresh {last['rollup_refresh_full_s']:.1f} s"
        )
        print(
            "Growth (comuni: live / rollup): "
            + ", ".join(f"{s['comuni']}: {live_of(s)} / {s['rollup']['median_ms']:.0f} ms" for s in results["steps"])
        )
    finally:
        _clean_up(synthetic, [c.schema for c in six])
        rollup_refresh(full=True)  # leave the rollups matching the data that is left

    return results

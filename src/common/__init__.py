"""The floor every comune app stands on: library code with no tenant tables.

errors, time and periods, codes, iCalendar, the reminder window, caching per
comune, contention retries, input parsing and fields, the channel of a change,
the periodic-job registry and its runner, the comune's admin site. Nothing here
imports a domain app (import-linter holds it).
"""

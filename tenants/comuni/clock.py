"""The comuni's clock: wall-clock time in Europe/Rome, daylight saving included.

Opening hours are local times, read in this zone by src/hubs/selectors.py (its
ROME). tenants/ may not import src/'s selectors, so the zone lives here too for
the union's pages, which must read the hours the same way (a test checks both
are the same zone).
"""

from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")

"""The comuni's clock: wall-clock time in Europe/Rome, daylight saving included.

One definition for the union's pages (tenants/) and the comuni's apps
(src/common/time.py re-exports it), so opening hours read the same everywhere.
"""

from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")

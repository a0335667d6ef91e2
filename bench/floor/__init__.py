"""The plain-DRF floor that `python -m bench booking_path` measures the real endpoints against.

Installed only with BENCH_FLOOR=1 (config/settings.py), which only the benchmark's
gunicorn gets: production never serves it. Its tables are unmanaged and have no
migrations (so `makemigrations --check` never sees them); the benchmark creates
them with raw SQL in the comune's schema (schema.py) and drops them with it.
"""

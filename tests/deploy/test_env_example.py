"""deploy/.env.example names every variable the README and the settings read, so an installer
who fills it in has missed nothing."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / ".env.example"
# Read by the benchmark's own server only.
NOT_FOR_INSTALLERS = {"BENCH_FLOOR", "BENCH_MIGRATION_PROBE"}


def example_names() -> set[str]:
    return {line.split("=", 1)[0] for line in EXAMPLE.read_text().splitlines() if re.match(r"^[A-Z][A-Z0-9_]*=", line)}


def test_every_variable_of_the_readme_production_table_is_in_the_example():
    readme = (ROOT / "README.md").read_text()
    production = readme.split("## Production", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in production.splitlines() if line.startswith("| `")]
    named = {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}
    named.discard("THROTTLE_")
    assert named, "the README's Production table lists no variable"
    assert named - example_names() == set()


def test_every_variable_the_settings_read_is_in_the_example():
    sources = "\n".join(p.read_text() for p in (ROOT / "config").glob("*.py"))
    read = set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", sources))
    assert read - NOT_FOR_INSTALLERS - example_names() == set()

"""Fail when a message the interface shows has no English translation.

    python -m config.i18n_check

Runs `makemessages -l en` on a temporary copy of the tree (the committed catalogues are
never rewritten), then lists every msgid of every English catalogue whose msgstr is empty
or only a fuzzy guess. Needs GNU gettext and no database. Also checks that each committed
catalogue compiles with `msgfmt -c` (a duplicated msgid fails there).
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not part of the interface, or not source at all.
SKIPPED = (".git", ".venv", ".data", "bench", "staticfiles", "media", "__pycache__", ".pytest_cache", "*.egg-info")
STRING = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


def entries(po: Path):
    """Yield (locations, flags, fields) for each live entry of a .po file."""
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        locations, flags, fields, key = [], set(), {}, None
        for line in block.splitlines():
            if line.startswith("#:"):
                locations += line[2:].split()
            elif line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue  # comments, and obsolete entries (#~)
            elif match := STRING.match(line):
                key = match[1]
                fields[key] = match[2]
            elif key and line.startswith('"'):
                fields[key] += line[1:-1]
        if fields.get("msgid"):  # the header has an empty msgid
            yield locations, flags, fields


def untranslated(po: Path):
    for locations, flags, fields in entries(po):
        msgstrs = [value for key, value in fields.items() if key.startswith("msgstr")]
        if "fuzzy" in flags or not msgstrs or not all(msgstrs):
            yield fields["msgid"], locations


def main() -> int:
    if not (shutil.which("xgettext") and shutil.which("msgfmt")):
        print("The translations check needs GNU gettext: apt-get install gettext.", file=sys.stderr)
        return 1
    failures = []
    catalogues = sorted(
        p.relative_to(ROOT) for p in ROOT.glob("**/locale/en/LC_MESSAGES/django.po") if ".venv" not in p.parts
    )
    for relative in catalogues:
        compiled = subprocess.run(
            ["msgfmt", "-c", "-o", "/dev/null", str(ROOT / relative)], capture_output=True, text=True
        )
        if compiled.returncode:
            failures.append(f"{relative} does not compile:\n{compiled.stderr}")
    with tempfile.TemporaryDirectory(prefix="i18n-check-") as scratch:
        copy = Path(scratch) / "tree"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*SKIPPED), symlinks=True)
        subprocess.run(
            [
                sys.executable,
                "-W",
                "ignore",
                "manage.py",
                "makemessages",
                "-l",
                "en",
                "--ignore=bench",
                "--ignore=.venv",
            ],
            cwd=copy,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        for relative in catalogues:
            missing = list(untranslated(copy / relative))
            if missing:
                listed = "\n".join(f'  msgid "{msgid}"  ({" ".join(where[:2])})' for msgid, where in missing)
                failures.append(f"{relative}: {len(missing)} msgid(s) without an English translation:\n{listed}")
    if failures:
        print("\n".join(failures), file=sys.stderr)
        print("Append the English msgstr at the end of the catalogue, then msgfmt -c -o X.mo X.po.", file=sys.stderr)
        return 1
    print(f"i18n: every msgid has an English translation ({len(catalogues)} catalogues).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

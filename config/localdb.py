"""Run a command with a database: DATABASE_URL when set, else an embedded PostgreSQL.

    python -m config.localdb [--data DIR] [--temporary] -- COMMAND [ARGS...]

With no DATABASE_URL in the environment, a PostgreSQL server shipped by the
`pgserver` wheel is started under DIR (default `.data/pg`), DATABASE_URL is set
for COMMAND, and the server is stopped when COMMAND ends. `--temporary` uses a
fresh folder that is deleted afterwards (the test suite uses it so tests never
touch the demo data).
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote


def _forget_dead_handles(data_dir: Path) -> None:
    """pgserver stops the server when its last user exits; a user that was killed
    stays on its list forever and keeps the server up. Drop the dead ones."""
    handles = data_dir / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text() or "[]")
    except ValueError:
        pids = []
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
            alive.append(pid)
        except ProcessLookupError:
            pass
        except PermissionError:
            alive.append(pid)
    handles.write_text(json.dumps(alive))


def embedded_database_url(data_dir: Path) -> tuple[str, object]:
    import warnings

    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")  # harmless, and pgserver cannot be told
    import pgserver  # imported lazily: production never needs it

    data_dir.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(data_dir)
    # "stop": the server stops once the last process that asked for it exits.
    server = pgserver.get_server(str(data_dir), cleanup_mode="stop")
    # pgserver listens on a Unix socket inside the data folder.
    return f"postgres://postgres@/postgres?host={quote(str(data_dir), safe='/')}", server


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=".data/pg", help="folder of the embedded server's data")
    parser.add_argument("--temporary", action="store_true", help="use a throw-away data folder")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    env = dict(os.environ)
    server = None
    temporary_dir = None
    if not env.get("DATABASE_URL"):
        if args.temporary:
            # Short path: a Unix socket path may not exceed ~100 characters.
            temporary_dir = Path(tempfile.mkdtemp(prefix="hubpg-"))
            data_dir = temporary_dir
        else:
            data_dir = Path(args.data).resolve()
        print(f"Database: embedded PostgreSQL in {data_dir}", file=sys.stderr, flush=True)
        env["DATABASE_URL"], server = embedded_database_url(data_dir)
    else:
        print("Database: DATABASE_URL from the environment", file=sys.stderr, flush=True)

    child = subprocess.Popen(command, env=env)
    # Ctrl-C reaches the child directly (same process group); we wait for it to finish.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A plain kill (SIGTERM) is passed on, so the database is still stopped cleanly.
    signal.signal(signal.SIGTERM, lambda signum, frame: child.terminate())
    try:
        return child.wait()
    finally:
        if server is not None:
            server.cleanup()
        if temporary_dir is not None:
            shutil.rmtree(temporary_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

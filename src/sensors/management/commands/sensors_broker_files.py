"""`manage.py sensors_broker_files --out DIR`: Mosquitto's password and ACL files from every
comune's registered devices (deploy/mosquitto/README.md), read in one SQL statement."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection

from src.sensors.selectors import broker_accounts


class Command(BaseCommand):
    help = "Write Mosquitto's passwd and acl files for every comune's active sensors."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Directory to write passwd and acl into.")
        parser.add_argument("--ingest-user", default="hub-ingest")

    def handle(self, *args, **options):
        connection.set_schema_to_public()
        accounts = broker_accounts()
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        lines = [f"{a.device_id}:{a.credential_hash}" for a in accounts if a.credential_hash]
        (out / "passwd").write_text("\n".join(lines) + ("\n" if lines else ""))
        (out / "passwd").chmod(0o600)
        acl = [
            "# Written by manage.py sensors_broker_files: do not edit by hand.",
            f"user {options['ingest_user']}",
            "topic read +/+/+/+",
            "",
            "pattern write +/+/+/%u",
            "",
        ]
        for a in accounts:
            acl += [f"user {a.device_id}", f"topic write {a.topic}", ""]
        (out / "acl").write_text("\n".join(acl))
        self.stdout.write(f"{len(lines)} device accounts written to {out}/passwd and {out}/acl.")
        self.stdout.write(
            f"Add the ingestion's account: mosquitto_passwd -b {out}/passwd {options['ingest_user']} <secret>"
        )

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.comuni.backup import BackupError, comune_import


class Command(BaseCommand):
    help = "Restore one comune from an archive written by comune_export on this release."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz written by comune_export")
        parser.add_argument("--replace", action="store_true", help="drop the comune's schema if it exists")

    def handle(self, *args, archive, replace, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No archive at {path}.")

        def progress(index, total, table, rows):
            self.stdout.write(f"[{index}/{total}] {table}: {rows} rows")

        try:
            with path.open("rb") as fileobj:
                municipality = comune_import(fileobj=fileobj, replace=replace, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"{municipality.name} restored from {path}."))

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.comuni.backup import comune_export
from tenants.comuni.models import Municipality


class Command(BaseCommand):
    help = "Write one comune's backup (its schema and its public rows) to a .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the comune, e.g. sarsina")
        parser.add_argument("--output", help="archive path (default: <slug>-<date>.tar.gz)")

    def handle(self, *args, slug, output, **options):
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise CommandError(f"No comune '{slug}'.")
        from django.utils import timezone

        path = Path(output or f"{slug}-{timezone.now():%Y%m%d-%H%M}.tar.gz")

        def progress(index, total, table, rows):
            self.stdout.write(f"[{index}/{total}] {table}: {rows} rows")

        with path.open("wb") as fileobj:
            manifest = comune_export(municipality=municipality, fileobj=fileobj, progress=progress)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(f"{municipality.name}: {len(manifest['tables'])} tables, {rows} rows -> {path}")
        )

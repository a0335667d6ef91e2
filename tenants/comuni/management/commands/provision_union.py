from django.core.management.base import BaseCommand

from tenants.comuni.services import union_provision


class Command(BaseCommand):
    help = "Create the six comuni of the Unione Valle del Savio (idempotent); --demo adds demo people and hubs."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load demo accounts and demo data")

    def handle(self, *args, demo, **options):
        def progress(outcome, index, total):
            name = outcome.municipality.name
            if outcome.created:
                self.stdout.write(f"[{index}/{total}] {name}: created ({outcome.seconds:.1f} s)")
            else:
                self.stdout.write(f"[{index}/{total}] {name}: already exists, unchanged")

        outcomes = union_provision(progress=progress)
        created = sum(o.created for o in outcomes)
        self.stdout.write(
            self.style.SUCCESS(f"{created} comuni created.")
            if created
            else "All comuni already exist: nothing changed."
        )
        if demo:
            from tenants.union.demo import demo_load

            demo_load(stdout=self.stdout)

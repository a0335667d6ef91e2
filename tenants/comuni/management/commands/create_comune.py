from django.core.management.base import BaseCommand, CommandError

from tenants.comuni.services import municipality_create


class Command(BaseCommand):
    help = "Create a comune: its schema, its platform subdomain, extra hostnames and first administrator."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="subdomain, e.g. sarsina")
        parser.add_argument("--name", required=True)
        parser.add_argument("--istat", required=True, help="six-digit ISTAT code")
        parser.add_argument("--province", required=True, help="two-letter province code, e.g. FC")
        parser.add_argument("--domain", action="append", default=[], help="extra institutional hostname")
        parser.add_argument("--admin-email", help="first administrator (created when missing)")

    def handle(self, *args, slug, name, istat, province, domain, admin_email, **options):
        self.stdout.write(f"Creating the comune {name} ({slug})...")
        try:
            outcome = municipality_create(
                slug=slug,
                name=name,
                istat_code=istat,
                province=province.upper(),
                extra_domains=tuple(domain),
                admin_email=admin_email,
            )
        except Exception as error:  # validation errors are the user's to fix: say which
            raise CommandError(f"Could not create {name}: {error}") from error
        if outcome.created:
            self.stdout.write(self.style.SUCCESS(f"{name}: created in {outcome.seconds:.1f} s."))
            if admin_email:
                self.stdout.write(f"Administrator: {admin_email} (set a password with 'Password dimenticata').")
        else:
            self.stdout.write(f"{name}: already exists, nothing changed.")

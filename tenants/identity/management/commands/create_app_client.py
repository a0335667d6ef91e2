from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.identity.oauth import app_client_register, app_client_summary


class Command(BaseCommand):
    help = (
        "Register the citizens' app as an OAuth 2.0 public client of the union (authorization code + PKCE, "
        "no secret). Run again with the same --client-id to change its name or redirect URIs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="shown to people on the consent page")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            required=True,
            dest="redirect_uris",
            help="exact redirect URI, e.g. it.unionevallesavio.hub://oauth (repeat for several)",
        )
        parser.add_argument("--client-id", help="keep a given client id (default: a new random one)")

    def handle(self, *args, name, redirect_uris, client_id, **options):
        try:
            result = app_client_register(name=name, redirect_uris=redirect_uris, client_id=client_id)
        except ValidationError as error:
            raise CommandError(f"Could not register {name}: {'; '.join(error.messages)}") from error
        app = result.application
        self.stdout.write(self.style.SUCCESS(f"{name}: {'registered' if result.created else 'updated'}."))
        for line in app_client_summary(app):
            self.stdout.write("  " + line)

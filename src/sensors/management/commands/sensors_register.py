"""`manage.py sensors_register`: a new device in a hub's space, or a new credential for one.

    manage.py sensors_register --comune cesena --hub hub-cesena --space 3 --kind co2 --device cesena-co2-01
    manage.py sensors_register --comune cesena --renew cesena-co2-01

Prints the device's broker password once (only its hash is kept) and its topic; then write
the broker's files again (`sensors_broker_files`, deploy/mosquitto/README.md).
"""

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from src.common.errors import DomainError
from src.hubs.models import Space
from src.sensors.models import Kind, Sensor
from src.sensors.services import sensor_credential_renew, sensor_register, sensor_topic
from tenants.comuni.models import Municipality


class Command(BaseCommand):
    help = "Register a sensor in a comune's hub space (or renew a device's credential); prints its secret once."

    def add_arguments(self, parser):
        parser.add_argument("--comune", required=True, help="The comune's slug.")
        parser.add_argument("--hub", help="The hub's slug.")
        parser.add_argument("--space", type=int, help="The space's id.")
        parser.add_argument("--kind", choices=Kind.values)
        parser.add_argument("--device", help="The device id: starts with the comune's slug and a dash.")
        parser.add_argument("--renew", metavar="DEVICE", help="A new credential for this registered device.")

    def handle(self, *args, **options):
        municipality = Municipality.objects.filter(slug=options["comune"]).first()
        if municipality is None:
            raise CommandError(f"No comune {options['comune']!r}.")
        with tenant_context(municipality):
            if options["renew"]:
                sensor = Sensor.objects.select_related("space__hub").filter(device_id=options["renew"]).first()
                if sensor is None:
                    raise CommandError(f"No device {options['renew']!r} in {municipality.name}.")
                secret, topic = (
                    sensor_credential_renew(sensor=sensor),
                    sensor_topic(sensor, comune_slug=municipality.slug),
                )
            else:
                if not all(options[k] for k in ("hub", "space", "kind", "device")):
                    raise CommandError("--hub, --space, --kind and --device are needed (or --renew).")
                space = Space.objects.filter(pk=options["space"], hub__slug=options["hub"]).first()
                if space is None:
                    raise CommandError(f"No space {options['space']} in hub {options['hub']!r}.")
                try:
                    registered = sensor_register(
                        space=space, kind=options["kind"], device_id=options["device"], comune_slug=municipality.slug
                    )
                except DomainError as error:
                    raise CommandError(str(error.message if hasattr(error, "message") else error))
                secret, topic = registered.secret, registered.topic
        self.stdout.write(f"Topic:    {topic}")
        self.stdout.write(f"Password: {secret}   (shown once: load it into the device now)")
        self.stdout.write("Then: manage.py sensors_broker_files --out <broker config dir>, and reload the broker.")

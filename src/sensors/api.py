"""A read API shaped as OGC SensorThings 1.1 over the hourly aggregates (no raw readings).

    /api/v1/sensorthings/v1.1/                          the entity sets
    /api/v1/sensorthings/v1.1/Things                    a Thing per space with sensors (published hubs)
    /api/v1/sensorthings/v1.1/Things(<id>)              ... and its Datastreams
    /api/v1/sensorthings/v1.1/Things(<id>)/Datastreams
    /api/v1/sensorthings/v1.1/Datastreams               a Datastream per sensor
    /api/v1/sensorthings/v1.1/Datastreams(<id>)
    /api/v1/sensorthings/v1.1/Datastreams(<id>)/Observations   one Observation per hour: the mean,
                                                        with count, min and max in `parameters`

Paging as SensorThings does it: `$top` (at most 1000) and `$skip`, `@iot.count` and
`@iot.nextLink`; Observations newest first. Anyone may read (the same data is open data).
"""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from src.sensors.models import UNITS, HourlyAggregate, Kind, Sensor
from src.sensors.selectors import sensors_of

MAX_TOP = 1000
DEFAULT_TOP = 100
DEFINITIONS = {
    Kind.CO2: ("http://vocabs.lter-europe.net/EnvThes/22021", "http://qudt.org/vocab/unit/PPM"),
    Kind.TEMPERATURE: ("http://vocabs.lter-europe.net/EnvThes/22035", "http://qudt.org/vocab/unit/DEG_C"),
    Kind.HUMIDITY: ("http://vocabs.lter-europe.net/EnvThes/21579", "http://qudt.org/vocab/unit/PERCENT"),
    Kind.NOISE: ("http://vocabs.lter-europe.net/EnvThes/20140", "http://qudt.org/vocab/unit/DeciB"),
    Kind.PEOPLE: ("https://schema.org/occupancy", "http://qudt.org/vocab/unit/NUM"),
}


class PagingSerializer(serializers.Serializer):
    top = serializers.IntegerField(min_value=0, max_value=MAX_TOP, required=False, default=DEFAULT_TOP)
    skip = serializers.IntegerField(min_value=0, max_value=10**9, required=False, default=0)


def _paging(request) -> tuple[int, int]:
    data = {k.lstrip("$"): v for k, v in request.query_params.items() if k in ("$top", "$skip")}
    serializer = PagingSerializer(data=data)
    if not serializer.is_valid():
        raise ValidationError({f"${k}": v for k, v in serializer.errors.items()})
    return serializer.validated_data["top"], serializer.validated_data["skip"]


class SensorThingsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # public data: no session, no token, no CSRF
    schema = None  # not in the OpenAPI document: SensorThings describes itself

    def base(self, request) -> str:
        return request.build_absolute_uri("/api/v1/sensorthings/v1.1")

    def page(self, request, queryset, render) -> dict:
        top, skip = _paging(request)
        count = queryset.count()
        rows = list(queryset[skip : skip + top])
        body = {"@iot.count": count, "value": [render(row) for row in rows]}
        if skip + top < count:
            params = request.query_params.copy()
            params["$skip"] = str(skip + top)
            params["$top"] = str(top)
            body["@iot.nextLink"] = request.build_absolute_uri(request.path) + "?" + params.urlencode(safe="$")
        return body

    def thing(self, request, space) -> dict:
        base = self.base(request)
        hub = space.hub
        return {
            "@iot.id": space.pk,
            "@iot.selfLink": f"{base}/Things({space.pk})",
            "name": f"{hub.name} - {space.name}",
            "description": str(_("Sala di un hub di comunità con sensori ambientali")),
            "properties": {"hub": hub.name, "hubSlug": hub.slug, "space": space.name, "kind": space.kind},
            "Locations": [
                {
                    "name": hub.address,
                    "encodingType": "application/geo+json",
                    "location": {"type": "Point", "coordinates": [float(hub.longitude), float(hub.latitude)]},
                }
            ]
            if hub.latitude is not None and hub.longitude is not None
            else [],
            "Datastreams@iot.navigationLink": f"{base}/Things({space.pk})/Datastreams",
        }

    def datastream(self, request, sensor: Sensor) -> dict:
        base = self.base(request)
        definition, unit_definition = DEFINITIONS[Kind(sensor.kind)]
        return {
            "@iot.id": sensor.pk,
            "@iot.selfLink": f"{base}/Datastreams({sensor.pk})",
            "name": f"{sensor.get_kind_display()} - {sensor.space.name}",
            "description": str(_("Media oraria delle misure del sensore")),
            "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
            "unitOfMeasurement": {
                "name": UNITS[Kind(sensor.kind)][0],
                "symbol": sensor.unit,
                "definition": unit_definition,
            },
            "ObservedProperty": {"name": sensor.kind, "definition": definition},
            "Sensor": {"name": sensor.device_id, "encodingType": "text/plain", "metadata": sensor.get_kind_display()},
            "Thing@iot.navigationLink": f"{base}/Things({sensor.space_id})",
            "Observations@iot.navigationLink": f"{base}/Datastreams({sensor.pk})/Observations",
        }

    def observation(self, request, row: HourlyAggregate) -> dict:
        start = row.hour
        return {
            "@iot.id": row.pk,
            "phenomenonTime": f"{start.isoformat().replace('+00:00', 'Z')}/"
            f"{(start + timedelta(hours=1)).isoformat().replace('+00:00', 'Z')}",
            "resultTime": (start + timedelta(hours=1)).isoformat().replace("+00:00", "Z"),
            "result": round(row.total / row.count, 3) if row.count else None,
            "parameters": {"count": row.count, "min": row.minimum, "max": row.maximum},
        }


def _spaces(queryset):
    from src.hubs.models import Space

    return Space.objects.filter(pk__in=queryset.values("space_id")).select_related("hub").order_by("pk")


class RootView(SensorThingsView):
    def get(self, request):
        base = self.base(request)
        return Response(
            {
                "value": [{"name": name, "url": f"{base}/{name}"} for name in ("Things", "Datastreams")],
                "serverSettings": {"conformance": ["http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel"]},
            }
        )


class ThingsView(SensorThingsView):
    def get(self, request):
        return Response(self.page(request, _spaces(sensors_of()), lambda space: self.thing(request, space)))


class ThingView(SensorThingsView):
    def get(self, request, pk):
        space = _spaces(sensors_of()).filter(pk=pk).first()
        if space is None:
            raise NotFound(_("Questa sala non ha sensori pubblicati."))
        return Response(self.thing(request, space))


class ThingDatastreamsView(SensorThingsView):
    def get(self, request, pk):
        sensors = sensors_of().filter(space_id=pk).order_by("pk")
        if not sensors.exists():
            raise NotFound(_("Questa sala non ha sensori pubblicati."))
        return Response(self.page(request, sensors, lambda s: self.datastream(request, s)))


class DatastreamsView(SensorThingsView):
    def get(self, request):
        return Response(self.page(request, sensors_of().order_by("pk"), lambda s: self.datastream(request, s)))


def _sensor(pk) -> Sensor:
    sensor = sensors_of().filter(pk=pk).first()
    if sensor is None:
        raise NotFound(_("Questo flusso di dati non esiste."))
    return sensor


class DatastreamView(SensorThingsView):
    def get(self, request, pk):
        return Response(self.datastream(request, _sensor(pk)))


class ObservationsView(SensorThingsView):
    def get(self, request, pk):
        sensor = _sensor(pk)
        rows = HourlyAggregate.objects.filter(sensor=sensor).order_by("-hour")
        return Response(self.page(request, rows, lambda row: self.observation(request, row)))

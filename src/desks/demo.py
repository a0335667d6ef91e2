"""Demo service desks for `make run`, in the hubs made by src.hubs.demo. Safe to run again."""

from datetime import time

from django.db import transaction
from django_tenants.utils import tenant_context

from src.desks.models import DeskHours, ServiceDesk
from src.hubs.models import Hub

K = ServiceDesk.Kind

# kind, name, description, topics, takes appointments, weekly hours {weekday: [(opens, closes)]}
CESENA_DESKS = [
    (
        K.BIBLIOTECA,
        "Biblioteca dell'hub",
        "Punto della rete bibliotecaria cittadina: prestito, restituzione e prenotazione dei libri, "
        "postazioni di lettura.",
        ["prestito", "restituzione", "prenotazione libri", "lettura"],
        False,
        {day: [((9, 0), (19, 0))] for day in range(1, 6)} | {6: [((9, 0), (13, 0))]},
    ),
    (
        K.SPORTELLO_FACILE,
        "Sportello Facile",
        "Informazioni su tutti i servizi del Comune: pratiche, certificati, iscrizioni, tributi.",
        ["servizi comunali", "certificati", "pratiche online", "SPID e CIE"],
        True,
        {day: [((9, 0), (13, 0))] for day in range(1, 6)} | {3: [((9, 0), (13, 0)), ((14, 30), (17, 30))]},
    ),
    (
        K.COMUNITA,
        "Sportello di Comunità",
        "Ascolto e orientamento per le persone anziane e per chi se ne prende cura.",
        ["anziani", "assistenza", "servizi sociali", "domande digitali"],
        True,
        {2: [((9, 0), (12, 0))], 4: [((15, 0), (18, 0))]},
    ),
    (
        K.ENERGIA,
        "Sportello Energia",
        "Consigli per il risparmio energetico e informazioni sui bonus per cittadini e imprese.",
        ["risparmio energetico", "bonus energia", "bollette", "imprese"],
        True,
        {1: [((14, 30), (18, 30))], 5: [((9, 0), (12, 30))]},
    ),
]

SMALL_DESKS = [
    (
        K.SPORTELLO_FACILE,
        "Sportello Facile",
        "Informazioni sui servizi del Comune e aiuto con le pratiche online.",
        ["servizi comunali", "pratiche online", "SPID e CIE"],
        True,
        {1: [((9, 0), (12, 0))], 3: [((15, 0), (18, 0))]},
    ),
    (
        K.ENERGIA,
        "Sportello Energia",
        "Risparmio energetico e bonus per famiglie e imprese.",
        ["risparmio energetico", "bonus energia"],
        True,
        {4: [((9, 0), (12, 0))]},
    ),
]


@transaction.atomic
def desks_ensure(hub: Hub, plans) -> int:
    created = 0
    for kind, name, description, topics, appointments, hours in plans:
        desk, new = ServiceDesk.objects.get_or_create(
            hub=hub,
            kind=kind,
            defaults={
                "name": name,
                "description": description,
                "topics": topics,
                "takes_appointments": appointments,
                "how_to_reach": f"All'interno dell'{hub.name}, {hub.address}.",
                "email": hub.email,
                "phone": hub.phone,
            },
        )
        if new:
            created += 1
            DeskHours.objects.bulk_create(
                DeskHours(desk=desk, weekday=day, opens=time(*opens), closes=time(*closes))
                for day, ranges in hours.items()
                for opens, closes in ranges
            )
    return created


def load_desks(comuni, stdout) -> None:
    for municipality in comuni:
        with tenant_context(municipality):
            hub = Hub.objects.filter(slug=f"hub-{municipality.slug}").first()
            if hub is None:
                continue
            created = desks_ensure(hub, CESENA_DESKS if municipality.slug == "cesena" else SMALL_DESKS)
            total = hub.desks.count()
        stdout.write(f"  {municipality.name}: {total} sportelli ({created} new)")

"""The data behind "commuting avoided": places, road distances, the emission factor.

All three are CSV files shipped in `data/` (with their source and year in the
header comments), so a reviewer can check or update them without touching code.
The reporting SQL joins the distances as an inline VALUES list: no table to
load or keep in sync, and the read-only role needs no extra grant.
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@dataclass(frozen=True)
class Place:
    istat_code: str
    name: str
    latitude: float
    longitude: float
    in_union: bool


@dataclass(frozen=True)
class EmissionFactor:
    grams_per_km: float
    source: str
    reference_year: int
    url: str


@cache
def places() -> dict[str, Place]:
    return {
        row["codice_istat"]: Place(
            istat_code=row["codice_istat"],
            name=row["nome"],
            latitude=float(row["latitudine"]),
            longitude=float(row["longitudine"]),
            in_union=row["comune_unione"] == "si",
        )
        for row in _rows("luoghi.csv")
    }


def workplace_choices() -> list[tuple[str, str]]:
    return sorted(((code, place.name) for code, place in places().items()), key=lambda choice: choice[1])


@cache
def road_distances() -> dict[tuple[str, str], int]:
    """One-way road km for every ordered pair of places (the file lists each pair once), 0 to itself."""
    distances = {(code, code): 0 for code in places()}
    for row in _rows("distanze.csv"):
        km = int(row["km_strada"])
        distances[(row["da_istat"], row["a_istat"])] = km
        distances[(row["a_istat"], row["da_istat"])] = km
    return distances


@cache
def emission_factor() -> EmissionFactor:
    row = next(r for r in _rows("fattore_emissione.csv") if r["voce"] == "autovettura_media")
    return EmissionFactor(
        grams_per_km=float(row["valore"]),
        source=row["fonte"],
        reference_year=int(row["anno_riferimento"]),
        url=row["url"],
    )


@cache
def emission_factors() -> dict[str, EmissionFactor]:
    """Every factor in the file, by pollutant: "co2", "nox", "pm10" (grams per km, average car)."""
    names = {"autovettura_media": "co2", "autovettura_media_nox": "nox", "autovettura_media_pm10": "pm10"}
    return {
        names[row["voce"]]: EmissionFactor(
            grams_per_km=float(row["valore"]),
            source=row["fonte"],
            reference_year=int(row["anno_riferimento"]),
            url=row["url"],
        )
        for row in _rows("fattore_emissione.csv")
        if row["voce"] in names
    }


def distances_values_sql() -> str:
    """The distance table as a SQL VALUES list. Codes are checked digits, so inlining them is safe."""
    rows = []
    for (origin, destination), km in sorted(road_distances().items()):
        if not (origin.isdigit() and destination.isdigit()):
            raise ValueError(f"Bad ISTAT code in distanze.csv: {origin!r} {destination!r}")
        rows.append(f"('{origin}', '{destination}', {int(km)})")
    return "VALUES " + ", ".join(rows)

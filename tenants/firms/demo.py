"""Demo firms for `make run`: two firms in Cesena and one in Mercato Saraceno with agreements,
a public employer (the Comune di Cesena for its own staff), enrolled demo employees and one
mobility manager, whose password is printed with the other demo accounts. Safe to run again."""

from datetime import date

from tenants.firms.models import Agreement, Enrolment, Firm, WorkSite
from tenants.firms.services import manager_grant

MANAGER_EMAIL = "mobility.manager@example.org"
CESENA, MERCATO = "040007", "040020"


def vat(base: str) -> str:
    """An 11-digit VAT number from 10 digits: the check digit that makes it valid."""
    total = 0
    for index, char in enumerate(base):
        n = int(char) * (2 if index % 2 else 1)
        total += n - 9 if n > 9 else n
    return base + str((10 - total % 10) % 10)


FIRMS = [
    {
        "name": "Savio Logistica S.p.A.",
        "tax_code": vat("0412345678"),
        "size_band": Firm.SizeBand.LARGE,
        "comune": "cesena",
        "site": ("Sede di Pievesestina", "Via dell'Arrigoni 120, Cesena", CESENA),
        "agreement": {
            "title": "Lavoro dagli hub dell'Unione",
            "with": None,
            "allowance_days": 8,
            "terms": Agreement.Terms.FIRM_PER_DAY,
            "price_per_day_cents": 800,
        },
        "employees": [
            ("giorgio.demo@saviologistica.example.org", "Giorgio", "sarsina"),
            ("elisa.demo@saviologistica.example.org", "Elisa", "mercato-saraceno"),
            ("paolo.demo@saviologistica.example.org", "Paolo", "bagno-di-romagna"),
        ],
        "manager": True,
    },
    {
        "name": "Romagna Software S.r.l.",
        "tax_code": vat("0498765432"),
        "size_band": Firm.SizeBand.MEDIUM,
        "comune": "cesena",
        "site": ("Ufficio", "Via Cavour 10, Cesena", CESENA),
        "agreement": {
            "title": "Coworking a Cesena",
            "with": "cesena",
            "allowance_days": None,
            "terms": Agreement.Terms.FIRM_FLAT,
            "flat_month_cents": 30000,
        },
        "employees": [("irene.demo@romagnasoftware.example.org", "Irene", "montiano")],
    },
    {
        "name": "Valle Legno S.n.c.",
        "tax_code": vat("0455511122"),
        "size_band": Firm.SizeBand.SMALL,
        "comune": "mercato-saraceno",
        "site": ("Laboratorio", "Via Roma 5, Mercato Saraceno", MERCATO),
        "agreement": {
            "title": "Sconto negli hub della valle",
            "with": None,
            "allowance_days": 4,
            "terms": Agreement.Terms.DISCOUNT,
            "discount_percent": 50,
        },
        "employees": [("nadia.demo@vallelegno.example.org", "Nadia", "verghereto")],
    },
    {
        "name": "Comune di Cesena (personale)",
        "tax_code": "00143280402",
        "kind": Firm.Kind.PUBLIC,
        "size_band": Firm.SizeBand.XL,
        "comune": "cesena",
        "site": ("Municipio", "Piazza del Popolo 10, Cesena", CESENA),
        "agreement": {
            "title": "Smart working del personale comunale",
            "with": "cesena",
            "allowance_days": 10,
            "terms": Agreement.Terms.FIRM_FLAT,
        },
        "employees": [("ufficio.demo@comune.cesena.example.org", "Stefano", "cesena")],
    },
]


def load_firms(*, comuni, stdout, account) -> None:
    """`account(email, **fields)`: the union demo's account maker (prints new passwords)."""
    by_slug = {m.slug: m for m in comuni}
    made = 0
    for plan in FIRMS:
        if plan["comune"] not in by_slug or Firm.objects.filter(tax_code=plan["tax_code"]).exists():
            continue
        firm = Firm.objects.create(
            name=plan["name"],
            tax_code=plan["tax_code"],
            kind=plan.get("kind", Firm.Kind.PRIVATE),
            size_band=plan["size_band"],
            municipality=by_slug[plan["comune"]],
        )
        name, address, istat = plan["site"]
        site = WorkSite.objects.create(firm=firm, name=name, address=address, istat_code=istat)
        terms = dict(plan["agreement"])
        counterpart = terms.pop("with")
        Agreement.objects.create(
            firm=firm,
            municipality=by_slug.get(counterpart) if counterpart else None,
            valid_from=date(date.today().year, 1, 1),
            state=Agreement.State.ACTIVE,
            **terms,
        )
        for email, first_name, home in plan["employees"]:
            person = account(email, first_name=first_name, last_name="Demo", home_municipality=by_slug.get(home))
            Enrolment.objects.get_or_create(
                firm=firm, user=person, defaults={"site": site, "state": Enrolment.State.ACTIVE}
            )
        if plan.get("manager"):
            manager = account(MANAGER_EMAIL, first_name="Laura", last_name="Mobility", note="mobility manager")
            manager_grant(firm=firm, user=manager)
        made += 1
    stdout.write(f"  Firms: {made} demo firms with agreements" if made else "  Firms: demo firms already there")

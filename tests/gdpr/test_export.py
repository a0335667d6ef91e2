"""The data export: everything of the person's, from every comune, in one query per table; nobody else's."""

import io
import json
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.account.export import COMUNE_DATASETS, export_data
from tests.conftest import host_client
from tests.gdpr.conftest import OTHERS


def _zip(response) -> dict[str, str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="i-miei-dati-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_export_holds_the_persons_rows_of_two_comuni_and_nobody_elses(life):
    files = _zip(host_client("localhost", life.person).get("/account/i-miei-dati/esporta/"))
    assert {"LEGGIMI.txt", "persona.json", "persona.csv", "prenotazioni.json", "appuntamenti.csv"} <= set(files)

    bookings = json.loads(files["prenotazioni.json"])
    by_code = {row["code"]: row for row in bookings}
    assert set(by_code) == {life.codes["cesena_past"], life.codes["cesena_future"], life.codes["sarsina_past"]}
    assert by_code[life.codes["sarsina_past"]]["comune"] == "sarsina"
    assert by_code[life.codes["cesena_past"]]["comune"] == "cesena"
    assert set(by_code[life.codes["cesena_past"]]["period"]) == {"inizio", "fine"}
    history = json.loads(files["prenotazioni_cambi_di_stato.json"])
    assert {row["note"] for row in history} >= {"arrivata puntuale"}

    appointments = {row["code"]: row for row in json.loads(files["appuntamenti.json"])}
    assert set(appointments) == {life.codes["appointment_past"], life.codes["appointment_future"]}
    assert appointments[life.codes["appointment_future"]]["fiscal_code"] == life.person.fiscal_code
    assert len(json.loads(files["appuntamenti_cambi_di_stato.json"])) == 2
    registrations = json.loads(files["iscrizioni_eventi.json"])
    assert [(r["comune"], r["state"]) for r in registrations] == [("sarsina", "attended"), ("sarsina", "registered")]
    assert len(json.loads(files["liste_di_attesa.json"])) == 1
    assert len(json.loads(files["hub_come_operatore.json"])) == 1

    account = json.loads(files["persona.json"])[0]
    assert account["email"] == life.person.email and account["home_municipality"] == "Cesena"
    assert "password" not in account
    assert json.loads(files["ruoli.json"])[0]["ruolo"] == "operator"
    assert json.loads(files["profilo_spostamenti.json"])[0]["workplace_istat_code"] == "037006"
    assert json.loads(files["impostazioni.json"])[0]["event_reminders"] is False
    # The CSV has the same rows, with a header.
    assert files["prenotazioni.csv"].splitlines()[0].startswith("comune,id,code,")
    assert len(files["prenotazioni.csv"].strip().splitlines()) == 1 + 3

    # Ottavio's rows, in the same tables and the same comuni, appear nowhere.
    everything = "\n".join(files.values())
    for value in OTHERS:
        assert value not in everything
    for code in life.other_codes.values():
        assert str(code) not in [str(r.get("code")) for r in bookings]
    assert life.other_codes["cesena_past"] not in everything


def test_one_query_per_table_for_every_comune(life):
    with CaptureQueriesContext(connection) as queries:
        export_data(life.person)
    across = [q["sql"] for q in queries if "UNION ALL" in q["sql"]]
    assert len(across) == len(COMUNE_DATASETS)
    assert all('"cesena".' in sql and '"sarsina".' in sql for sql in across)


def test_another_person_gets_only_their_own(life):
    files = _zip(host_client("sarsina.localhost", life.other).get("/account/i-miei-dati/esporta/"))
    everything = "\n".join(files.values())
    assert "Zoraide" not in everything and life.person.email not in everything
    assert life.codes["cesena_past"] not in everything
    assert {row["code"] for row in json.loads(files["prenotazioni.json"])} == set(
        life.other_codes[k] for k in ("cesena_past", "cesena_future", "sarsina_past")
    )
    # No page or parameter reaches someone else's: the person is always the one signed in.
    again = _zip(host_client("localhost", life.other).get(f"/account/i-miei-dati/esporta/?person={life.person.pk}"))
    assert "Zoraide" not in "\n".join(again.values())


def test_the_api_export_on_the_union_site(life, union_client):
    assert union_client.get("/api/v1/me/export/").status_code in (401, 403)
    files = _zip(host_client("localhost", life.person).get("/api/v1/me/export/"))
    assert life.codes["sarsina_past"] in files["prenotazioni.json"]


def test_signing_in_is_required(union_client, cesena_client):
    for client in (union_client, cesena_client):
        response = client.get("/account/i-miei-dati/esporta/")
        assert response.status_code == 302 and "/account/accedi/" in response["Location"]

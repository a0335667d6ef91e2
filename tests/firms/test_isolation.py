"""A mobility manager of firm A sees nothing of firm B, on pages and in the API, ids guessed;
someone without the role sees no area at all."""

import pytest
from django.core.files.base import ContentFile

from tenants.firms.models import Enrolment
from tests.conftest import host_client, page_text
from tests.firms.conftest import enrol, make_agreement
from tests.fixtures import UserFactory
from tests.signin import sign_in_staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def firm_b(other_firm, settings, tmp_path):
    settings.FIRMS_PRIVATE_ROOT = tmp_path
    worker = UserFactory(email="segreto@romagnasoftware.it", first_name="Segreto")
    enrol(other_firm, worker)
    agreement = make_agreement(other_firm)
    agreement.document.save("b.pdf", ContentFile(PDF))
    return other_firm


def test_a_manager_of_a_sees_nothing_of_b(manager, firm, firm_b, employee):
    client = sign_in_staff(host_client("localhost"), manager)
    own = client.get(f"/aziende/mobility-manager/{firm.pk}/")
    assert own.status_code == 200 and "Marco" in page_text(own)
    assert "Segreto" not in page_text(own) and "Romagna Software" not in page_text(own)
    b_enrolment = Enrolment.objects.get(firm=firm_b)
    b_agreement = firm_b.agreements.get()
    for path in (
        f"/aziende/mobility-manager/{firm_b.pk}/",
        f"/aziende/mobility-manager/{firm_b.pk}/pscl.csv",
        f"/aziende/mobility-manager/{firm_b.pk}/pscl/",
        f"/aziende/convenzioni/{b_agreement.pk}/documento/",
        f"/api/v1/firms/{firm_b.pk}/people/",
        f"/api/v1/firms/{firm_b.pk}/pscl/",
        "/aziende/mobility-manager/999999/",
    ):
        assert client.get(path).status_code == 404, path
    # Writes on B: refused, and nothing changed.
    assert client.post(f"/aziende/mobility-manager/{firm_b.pk}/invita/", {"email": "x@example.org"}).status_code == 404
    removing = client.post(f"/aziende/mobility-manager/{firm.pk}/iscritti/{b_enrolment.pk}/rimuovi/")
    assert removing.status_code == 404
    assert Enrolment.objects.get(pk=b_enrolment.pk).state == Enrolment.State.ACTIVE
    assert [f["id"] for f in client.get("/api/v1/firms/").json()] == [firm.pk]
    people = client.get(f"/api/v1/firms/{firm.pk}/people/").json()
    assert [p["email"] for p in people] == ["dipendente@saviologistica.it"]


def test_the_signed_document_goes_only_to_those_allowed(manager, firm_b, union_staff):
    agreement = firm_b.agreements.get()
    path = f"/aziende/convenzioni/{agreement.pk}/documento/"
    b_manager = UserFactory(email="mm@romagnasoftware.it")
    from tenants.firms.services import manager_grant

    manager_grant(firm=firm_b, user=b_manager)
    response = sign_in_staff(host_client("localhost"), b_manager).get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert sign_in_staff(host_client("localhost"), union_staff).get(path).status_code == 200
    assert sign_in_staff(host_client("localhost"), manager).get(path).status_code == 404
    assert host_client("localhost").get(path).status_code == 302  # to the sign-in
    # Never under MEDIA_URL: the file lives outside MEDIA_ROOT.
    assert "/media/" not in agreement.document.path


def test_without_the_role_there_is_no_area(citizen, firm, employee):
    client = host_client("localhost", citizen)
    response = client.get("/aziende/mobility-manager/")
    assert response.status_code == 403 and "mobility manager" in page_text(response)
    assert client.get(f"/aziende/mobility-manager/{firm.pk}/").status_code == 404
    assert client.get("/api/v1/firms/").json() == []
    # An employee is no manager of their firm either.
    assert host_client("localhost", employee).get(f"/api/v1/firms/{firm.pk}/people/").status_code == 404
    assert client.get("/aziende/gestione/").status_code == 403

"""Onboarding: a firm applies through the form and union staff approve it (the applicant becomes
its mobility manager); a comune's administrator onboards firms of their comune only; the
signed agreement is a real PDF, size-limited, kept outside MEDIA_ROOT."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.firms.access import managed_firms
from tenants.firms.models import Agreement, Firm
from tenants.identity.models import Role
from tests.conftest import host_client, page_text
from tests.firms.conftest import VAT_B
from tests.signin import sign_in_staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_apply_then_union_staff_approve(citizen, union_staff, cesena):
    form = {
        "name": "Nuova Impresa S.r.l.",
        "tax_code": "IT 123 456 789 03",
        "size_band": "100-249",
        "municipality": cesena.pk,
        "site_name": "Sede",
        "site_address": "Via Emilia 5",
        "site_istat_code": "040007",
    }
    client = host_client("localhost", citizen)
    bad = client.post("/aziende/", {**form, "tax_code": "12345678901"})
    assert bad.status_code == 400 and "cifra di controllo" in page_text(bad)
    assert client.post("/aziende/", form).status_code == 302
    firm = Firm.objects.get(tax_code=VAT_B)
    assert firm.state == Firm.State.APPLIED and not managed_firms(citizen).exists()
    # Not anyone's to approve.
    assert client.post(f"/aziende/gestione/{firm.pk}/esame/", {"decision": "approve"}).status_code == 403
    staff = sign_in_staff(host_client("localhost"), union_staff)
    assert "Nuova Impresa" in page_text(staff.get("/aziende/gestione/"))
    # A post without the button's value decides nothing (it used to reject the application).
    undecided = staff.post(f"/aziende/gestione/{firm.pk}/esame/", {"decision": "forse"})
    assert undecided.status_code == 400 and "Approva» o «Respingi" in page_text(undecided)
    firm.refresh_from_db()
    assert firm.state == Firm.State.APPLIED
    staff.post(f"/aziende/gestione/{firm.pk}/esame/", {"decision": "approve"})
    firm.refresh_from_db()
    assert firm.state == Firm.State.ACTIVE and firm.reviewed_by == union_staff
    applicant = type(citizen).objects.get(pk=citizen.pk)  # roles are read once per user object
    assert list(managed_firms(applicant)) == [firm]
    assert Role.objects.filter(user=citizen, kind=Role.Kind.MOBILITY_MANAGER).exists()


def test_a_comune_onboards_only_its_firms(cesena_admin, cesena, sarsina, firm, other_firm):
    other_firm.municipality = sarsina
    other_firm.save()
    client = sign_in_staff(host_client("localhost"), cesena_admin)
    listing = page_text(client.get("/aziende/gestione/"))
    assert "Savio Logistica" in listing and "Romagna Software" not in listing
    assert client.get(f"/aziende/gestione/{other_firm.pk}/convenzioni/nuova/").status_code == 404


def test_the_signed_pdf(union_staff, firm, tmp_path, settings):
    settings.FIRMS_PRIVATE_ROOT = tmp_path
    client = sign_in_staff(host_client("localhost"), union_staff)
    path = f"/aziende/gestione/{firm.pk}/convenzioni/nuova/"
    data = {
        "title": "Convenzione 2026",
        "valid_from": "2026-01-01",
        "state": "active",
        "all_hubs": "on",
        "all_employees": "on",
        "terms": "firm_per_day",
        "price_per_day_cents": "900",
    }
    fake = SimpleUploadedFile("firmata.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    response = client.post(path, {**data, "document": fake})
    assert response.status_code == 400 and "non è un PDF valido" in page_text(response)
    settings.FIRMS_DOCUMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("firmata.pdf", PDF, content_type="application/pdf")
    assert "troppo grande" in page_text(client.post(path, {**data, "document": big}))
    settings.FIRMS_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    good = SimpleUploadedFile("firmata.pdf", PDF, content_type="application/pdf")
    assert client.post(path, {**data, "document": good}).status_code == 302
    agreement = Agreement.objects.get(firm=firm, title="Convenzione 2026")
    assert agreement.document.path.startswith(str(tmp_path))
    assert not agreement.document.path.startswith(str(settings.MEDIA_ROOT))
    assert agreement.document.url == ""  # no public address

"""The private calendar link: renewing it revokes the old one, in every comune."""

from django.core import signing
from django.test import Client

from tenants.identity.calendar_feed import FEED_SALT, calendar_feed_person_id, calendar_feed_token
from tests.conftest import host_client, page_text


def _feed(host, token):
    return Client(HTTP_HOST=host).get(f"/prenotazioni/calendario/{token}.ics")


def test_renewing_the_link_revokes_the_old_one(cesena, sarsina, citizen):
    first = calendar_feed_token(citizen)
    # The first link is the one handed out before links had versions: it keeps working.
    assert first == signing.Signer(salt=FEED_SALT).sign(str(citizen.pk))
    assert _feed("cesena.localhost", first).status_code == 200

    client = host_client("localhost", citizen)
    page = client.get("/account/notifiche/").content.decode()
    assert f"http://cesena.localhost/prenotazioni/calendario/{first}.ics" in page
    assert f"http://sarsina.localhost/prenotazioni/calendario/{first}.ics" in page
    response = client.post("/account/notifiche/calendario/rinnova/")
    assert response.status_code == 302 and response["Location"].endswith("#calendario")

    second = calendar_feed_token(citizen)
    assert second != first
    for host in ("cesena.localhost", "sarsina.localhost"):
        assert _feed(host, first).status_code == 404
        assert _feed(host, second).status_code == 200
    after = client.get("/account/notifiche/")
    assert second in after.content.decode() and "quello vecchio non funziona più" in page_text(after)
    # Again: the second goes too.
    client.post("/account/notifiche/calendario/rinnova/")
    assert _feed("cesena.localhost", second).status_code == 404
    assert calendar_feed_person_id(calendar_feed_token(citizen)) == citizen.pk


def test_a_forged_or_foreign_version_is_refused(cesena, citizen, make_user):
    other = make_user()
    assert calendar_feed_person_id("5.0:falso") is None
    # A version that is not the person's current one, even well signed, opens nothing.
    assert calendar_feed_person_id(signing.Signer(salt=FEED_SALT).sign(f"{citizen.pk}.7")) is None
    assert calendar_feed_person_id(calendar_feed_token(other)) == other.pk


def test_the_booking_page_links_to_the_renewal(cesena, citizen):
    page = host_client("cesena.localhost", citizen).get("/prenotazioni/").content.decode()
    assert calendar_feed_token(citizen) in page and 'href="/account/notifiche/#calendario"' in page

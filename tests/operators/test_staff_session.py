"""A cooperative's staff member is staff: a second factor before any page, and the header
leads to the console and to the front desks of the hubs the contracts cover."""

from tests.backoffice.test_staff_nav import staff_links
from tests.conftest import host_client
from tests.signin import sign_in_staff


def test_cooperative_staff_must_give_a_second_factor(world):
    client = host_client("localhost")
    client.force_login(world.staff)  # the password alone
    response = client.get("/")
    assert response.status_code == 302 and "/account/secondo-fattore/" in response["Location"]


def test_header_leads_to_the_console_and_the_contracted_front_desks_only(world):
    union = sign_in_staff(host_client("localhost"), world.staff)
    assert staff_links(union.get("/")).get("/cooperativa/") == "front_desk"

    cesena = sign_in_staff(host_client("cesena.localhost"), world.staff)
    links = staff_links(cesena.get("/"))
    assert links.get(f"/accoglienza/{world.cesena.run.slug}/") == "front_desk"
    assert f"/accoglienza/{world.cesena.other.slug}/" not in links
    assert any(href.endswith("/cooperativa/") for href in links)


def test_leaving_the_cooperative_rotates_the_session(world):
    client = sign_in_staff(host_client("localhost"), world.staff)
    old_key = client.session.session_key
    world.organisation.staff.filter(user=world.staff).delete()
    client.get("/")
    assert client.session.session_key != old_key

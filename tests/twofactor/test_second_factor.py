"""Staff give a second factor (an authenticator app, or a recovery code) before any staff page,
admin site or staff API; citizens are never asked. Given once on the union, it is carried to
the comuni's hosts by single sign-on."""

import re
import time
from base64 import b32decode
from datetime import timedelta

from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants.identity.models import Role
from tenants.identity.second_factor import recovery_codes_create
from tests.conftest import host_client, page_text
from tests.foundation.test_single_sign_on import Browser
from tests.signin import give_second_factor, sign_in_staff, staff_device, totp_code

SETUP = "/account/secondo-fattore/attiva/"
VERIFY = "/account/secondo-fattore/"
CODES = "/account/secondo-fattore/codici/"


def password_only(host, user):
    """Signed in with the password, the second factor not given yet."""
    client = host_client(host)
    client.force_login(user)
    return client


def test_staff_without_an_app_are_sent_to_set_it_up_and_reach_no_staff_page(cesena, cesena_admin, union_staff):
    union = password_only("localhost", union_staff)
    for path in ("/admin/", "/statistiche/", "/account/", "/"):
        response = union.get(path)
        assert response.status_code == 302 and response["Location"].startswith(f"{SETUP}?next=")
    refused = union.get("/api/v1/reports/")
    assert refused.status_code == 403 and refused.json()["code"] == "second_factor_required"
    assert "secondo fattore" in refused.json()["detail"]

    comune = password_only("cesena.localhost", cesena_admin)
    for path in ("/admin/", "/admin/hubs/hub/", "/statistiche/", "/accoglienza/", "/appuntamenti/agenda/1/"):
        response = comune.get(path)
        # Through the union, which asks for the second factor and carries it back.
        assert response.status_code == 302 and response["Location"].startswith("http://localhost/account/sso/?")
    for path in ("/api/v1/reports/", "/api/v1/front-desk/sheet/?hub=1"):
        response = comune.get(path)
        assert response.status_code == 403 and response.json()["code"] == "second_factor_required"
    # Only one's way out stays open.
    assert comune.post("/account/esci/").status_code == 302


def test_the_apps_files_are_served_before_the_second_factor(cesena, cesena_admin):
    """The setup page itself registers the service worker: a browser refuses one behind a
    redirect (and the page's console says so), so the app's files are not sent round."""
    comune = password_only("cesena.localhost", cesena_admin)
    assert comune.get("/sw.js").status_code == 200
    assert comune.get("/manifest.webmanifest").status_code == 200
    assert comune.get("/admin/").status_code == 302  # the staff pages still wait for it


def test_from_a_comune_the_chain_ends_on_the_unions_setup_page(cesena, cesena_admin):
    browser = Browser()
    browser.client("localhost").force_login(cesena_admin)
    browser.client("cesena.localhost").force_login(cesena_admin)
    page = browser.open("http://cesena.localhost/admin/")
    assert browser.chain[-1].startswith(f"http://localhost{SETUP}?next=")
    assert page.status_code == 200 and "Attiva il secondo fattore" in page_text(page)


def test_setup_with_a_code_from_the_key_shown_then_ten_recovery_codes_once(union_staff):
    client = password_only("localhost", union_staff)
    page = client.get(f"{SETUP}?next=/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in page_text(page)  # the QR code, its content not spelled out
    key = re.search(r'data-element="second-factor-key">([A-Z2-7 ]+)<', html).group(1)
    app = TOTP(b32decode(key.replace(" ", "")))  # what the person's app computes from the key typed in

    wrong = client.post(SETUP, {"code": f"{(app.token() + 1) % 1_000_000:06d}", "next": "/admin/"})
    assert wrong.status_code == 400 and "Il codice non è giusto" in page_text(wrong)
    assert client.get("/admin/").status_code == 302  # not yet

    time.sleep(1.1)  # django-otp waits a second after a wrong code
    done = client.post(SETUP, {"code": f"{app.token():06d}", "next": "/admin/"})
    assert done.status_code == 302 and done["Location"].startswith(CODES)
    codes_page = client.get(done["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page.content.decode())
    assert len(codes) == 10 and "non li mostreremo più" in page_text(codes_page)
    assert TOTPDevice.objects.get(user=union_staff).confirmed
    # Shown once: a reload shows none.
    again = client.get(done["Location"])
    assert not re.findall(r"<li><code>", again.content.decode()) and "Ti restano 10 codici" in page_text(again)
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(union_staff):
    staff_device(union_staff)
    code = recovery_codes_create(user=union_staff)[3]
    first = password_only("localhost", union_staff)
    assert first.get("/admin/")["Location"].startswith(f"{VERIFY}?next=")
    response = give_second_factor(first, union_staff, code=code.upper()[:4] + "-" + code.upper()[4:])
    assert response.status_code == 302
    assert "Hai usato un codice di recupero: te ne restano 9" in page_text(first.get("/"))
    assert first.get("/admin/").status_code == 200

    second = password_only("localhost", union_staff)
    refused = give_second_factor(second, union_staff, code=code)
    assert refused.status_code == 400 and "già stato usato" in page_text(refused)
    assert second.get("/admin/").status_code == 302
    assert StaticDevice.objects.get(user=union_staff).token_set.count() == 9


def test_recovery_codes_are_never_shown_to_the_password_alone(union_staff):
    staff_device(union_staff)
    client = password_only("localhost", union_staff)
    for response in (client.get(CODES), client.post(CODES)):
        assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert not StaticDevice.objects.filter(user=union_staff).exists()


def test_wrong_codes_are_refused_then_locked_whatever_the_password_does(union_staff, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the test does not sit through django-otp's 1, 2, 4 … s delays
    device = staff_device(union_staff)
    client = password_only("localhost", union_staff)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(settings.SECOND_FACTOR_FAILURE_LIMIT - 1):
        response = give_second_factor(client, union_staff, code=wrong)
        assert response.status_code == 400 and "Il codice non è giusto" in page_text(response)
    locked = give_second_factor(client, union_staff, code=wrong)
    assert locked.status_code == 429 and "la verifica è bloccata. Riprova dalle" in page_text(locked)
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    # Locked: the right code is not even read, and a new password sign-in clears nothing.
    again = password_only("localhost", union_staff)
    assert give_second_factor(again, union_staff, code=right).status_code == 429
    assert again.get("/admin/").status_code == 302
    # After the cool-off, the right code goes through and clears the count.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - settings.SECOND_FACTOR_COOLOFF - timedelta(seconds=1)
    )
    assert give_second_factor(again, union_staff).status_code == 302
    assert again.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_right_after_a_wrong_code_django_otp_makes_one_wait(union_staff):
    device = staff_device(union_staff)
    client = password_only("localhost", union_staff)
    assert give_second_factor(client, union_staff, code="000000" if totp_code(device) != "000000" else "111111")
    hurried = give_second_factor(client, union_staff)
    assert hurried.status_code == 429 and "aspetta qualche secondo" in page_text(hurried)
    time.sleep(1.1)
    assert give_second_factor(client, union_staff).status_code == 302


def test_citizens_are_never_asked(citizen):
    client = host_client("cesena.localhost", citizen)
    assert client.get("/account/").status_code == 200
    assert client.get("/api/v1/bookings/").status_code == 200
    assert host_client("localhost", citizen).get("/account/").status_code == 200
    assert client.get(SETUP)["Location"] == "/"  # nothing to set up
    assert not TOTPDevice.objects.filter(user=citizen).exists()


def test_the_second_factor_given_on_the_union_is_carried_to_the_comuni(cesena, sarsina, cesena_admin):
    Role.objects.create(user=cesena_admin, kind=Role.Kind.ADMINISTRATOR, municipality=sarsina)
    browser = Browser()
    sign_in_staff(browser.client("localhost"), cesena_admin)
    for host in ("cesena.localhost", "sarsina.localhost"):
        page = browser.open(f"http://{host}/admin/")
        assert page.status_code == 200 and browser.chain[-1] == f"http://{host}/admin/"
        assert not any("secondo-fattore" in url for url in browser.chain)


def test_a_union_session_without_it_asks_once_then_carries_it(cesena, cesena_admin):
    device = staff_device(cesena_admin)
    browser = Browser()
    browser.client("localhost").force_login(cesena_admin)
    page = browser.open("http://cesena.localhost/admin/")
    assert browser.chain[-1].startswith(f"http://localhost{VERIFY}?next=") and "Conferma l'accesso" in page_text(page)
    next_url = re.search(r'name="next" value="([^"]+)"', page.content.decode()).group(1)
    page = browser.open(
        f"http://localhost{VERIFY}",
        method="post",
        data={"code": totp_code(device), "next": next_url.replace("&amp;", "&")},
    )
    assert page.status_code == 200 and browser.chain[-1] == "http://cesena.localhost/admin/"
    assert browser.signed_in("cesena.localhost", cesena_admin)


def test_union_staff_reset_a_lost_second_factor(union_staff, cesena, cesena_admin):
    admins_browser = host_client("cesena.localhost", cesena_admin)
    assert TOTPDevice.objects.filter(user=cesena_admin).exists()
    response = host_client("localhost", union_staff).post(
        "/admin/identity/user/", {"action": "second_factor_reset_action", "_selected_action": [cesena_admin.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cesena_admin).exists()
    assert not StaticDevice.objects.filter(user=cesena_admin).exists()
    assert admins_browser.get("/admin/").wsgi_request.user.is_anonymous  # every session of theirs ended
    cesena_admin.refresh_from_db()
    assert password_only("localhost", cesena_admin).get("/admin/")["Location"].startswith(SETUP)

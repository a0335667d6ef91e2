"""The confirmation page with the appointment's code is shown once: on a hub's shared terminal the
next person who reloads it, or goes back to it, finds no code."""

import re

from tests.appointments.test_flow import STEP, _walk_to_summary
from tests.conftest import host_client, page_text


def test_the_code_leaves_the_session_once_shown(cesena, cesena_desk, day_after_tomorrow):
    client = host_client("cesena.localhost")
    _walk_to_summary(client, cesena_desk, day_after_tomorrow)
    assert client.post(STEP + "5-riepilogo/", {"privacy": "1"})["Location"] == STEP + "6-conferma/"

    done = client.get(STEP + "6-conferma/")
    code = re.search(r'data-element="booking-code">([A-Z0-9-]+)<', done.content.decode()).group(1)
    assert code in page_text(done)
    assert "no-store" in done["Cache-Control"]  # going back asks the server again, it is not kept
    assert not any(code in str(value) for value in client.session.values())

    # Reloading, or coming back to it: no code, a sentence that says where to look it up.
    again = client.get(STEP + "6-conferma/", follow=True)
    assert again.redirect_chain[-1][0] == STEP + "1-luogo/"
    assert code not in again.content.decode()
    assert "La conferma si mostra una volta sola" in page_text(again)
    # Nor does the summary page show it back: the flow was emptied when the booking was made.
    back = client.get(STEP + "5-riepilogo/", follow=True)
    assert code not in back.content.decode() and "Mario Verdi" not in page_text(back)

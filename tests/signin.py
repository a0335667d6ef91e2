"""Signing people in from tests.

Staff (administrators, operators, mobility managers, union staff) sign in through
`sign_in_staff`, so that every test passes whatever the sign-in of staff requires
(a second factor, for instance) in one place.
"""


def sign_in_staff(client, user):
    client.force_login(user)
    return client

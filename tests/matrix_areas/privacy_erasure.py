"""Matrix rows of issue 14 item 5 (part "erasure"): the erasure page, the goodbye page and the
erasure API.

No row erases anyone: the page is posted without the confirmation word (the form comes back,
200) and the API with a wrong password (403). That erasure itself happens only with both is
tested in tests/privacy/test_erasure_pages.py.
"""

from tests.permission_matrix import LOGIN_REDIRECT, Row, every, signed_in

# fmt: off
ROWS: list[Row] = [
    Row("erasure page", "GET", lambda w: "/me/erase/", signed_in(200, LOGIN_REDIRECT),
        api=False, route="account_erase"),
    Row("erase without confirming", "POST", lambda w: "/me/erase/",
        signed_in(200, LOGIN_REDIRECT), api=False, route="account_erase",
        body={"contributions": "keep", "password": "wrong", "confirmation": "no"}),
    Row("goodbye page", "GET", lambda w: "/erased/", every(200), api=False,
        route="account_erased"),
    Row("erase through the API with a wrong password", "POST", lambda w: "/api/v1/me/erase",
        signed_in(403, 401), body={"password": "not-the-password"}, route="/api/v1/me/erase"),
]
# fmt: on

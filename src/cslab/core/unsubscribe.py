"""One-click unsubscribe (RFC 8058), shared by every area that sends recurring e-mail.

A recurring e-mail carries `List-Unsubscribe: <https://…>` and
`List-Unsubscribe-Post: List-Unsubscribe=One-Click`. Mail programs then POST
`List-Unsubscribe=One-Click` to that address, without a cookie or a CSRF token: the
unguessable token in the address is the proof. A GET must never change anything, because mail
scanners follow links; the page it shows asks for a button press (a POST).
"""

from django.http import HttpRequest

ONE_CLICK_FIELD = "List-Unsubscribe"
ONE_CLICK_VALUE = "One-Click"


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """The headers that offer one-click unsubscribing at the absolute address `url`."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": f"{ONE_CLICK_FIELD}={ONE_CLICK_VALUE}",
    }


def is_one_click_unsubscribe(request: HttpRequest) -> bool:
    """Whether a POST is a mail program's one-click unsubscribe (not a form on the page)."""
    return request.method == "POST" and request.POST.get(ONE_CLICK_FIELD) == ONE_CLICK_VALUE

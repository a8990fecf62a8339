"""Matrix rows of issue 14 items 6, 7 and 9 (part "governance"): the public privacy notice
and the staff's cookie-free page-view counts."""

from tests.permission_matrix import STAFF, SUPERUSER, Row, every

# fmt: off
ROWS: list[Row] = [
    Row("privacy notice", "GET", lambda w: "/privacy/", every(200), api=False,
        route="privacy_notice"),
    Row("page-view counts", "GET", lambda w: "/analytics/",
        every(404, **{STAFF: 200, SUPERUSER: 200}), api=False, route="page_view_counts"),
    Row("page-view counts of a year", "GET", lambda w: "/analytics/?days=365",
        every(404, **{STAFF: 200, SUPERUSER: 200}), api=False, route="page_view_counts"),
]
# fmt: on

"""Demo data governance: an embargo, a retention period and a fortnight of page-view counts.

- *River Rhine water quality* keeps its data under embargo for about six months after the first
  load (until the first lab analyses are published): outsiders see no observations, the team
  does. Its licence (CC0) is set with its consent text (`consent/demo.py`).
- *Heat stress in Leiden-Noord* keeps raw personal data (the exact locations of its diary
  entries, which are all obscured) for 365 days: `cslab retention` generalises the older ones.
- `/analytics/` (Lab staff) shows two weeks of cookie-free page-view counts.

The project settings are set only while empty, and the counts only into an empty table, so a
second load changes nothing (nor undoes what someone changed since).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cslab.core.demo import DemoLogin
from cslab.privacy.models import PageViewCount
from cslab.projects.models import Project

DEMO_ORIGIN = "cslab-demo"
EMBARGOED = "rhine-water"
EMBARGO_DAYS = 180
RETAINED = "heat-stress"
RETENTION_DAYS = 365
ANALYTICS_DAYS = 14
# Page, and its views on an ordinary weekday.
PAGE_VIEWS: tuple[tuple[str, int], ...] = (
    ("/", 240),
    ("/projects/", 130),
    ("/events/", 85),
    ("/hub/", 70),
    ("/questions/", 45),
    ("/training/", 30),
    ("/privacy/", 6),
)


def load_demo_privacy() -> list[DemoLogin]:
    """Set the demo embargo and retention period where unset; count page views once."""
    today = timezone.localdate()
    with transaction.atomic():
        Project.objects.filter(
            origin=DEMO_ORIGIN, external_id=EMBARGOED, data_embargo_until__isnull=True
        ).update(data_embargo_until=today + timedelta(days=EMBARGO_DAYS))
        Project.objects.filter(
            origin=DEMO_ORIGIN, external_id=RETAINED, personal_data_retention_days__isnull=True
        ).update(personal_data_retention_days=RETENTION_DAYS)
        if not PageViewCount.objects.exists():
            PageViewCount.objects.bulk_create(
                PageViewCount(path=path, day=day, views=_views(weekday_views, day.weekday(), back))
                for back in range(1, ANALYTICS_DAYS + 1)
                for day in [today - timedelta(days=back)]
                for path, weekday_views in PAGE_VIEWS
            )
    return []


def _views(weekday_views: int, weekday: int, days_back: int) -> int:
    """Fewer visits at the weekend, a little growth towards today, the same on every load."""
    weekend = 0.45 if weekday >= 5 else 1.0
    growth = 1.0 + (ANALYTICS_DAYS - days_back) / (4 * ANALYTICS_DAYS)
    return max(1, round(weekday_views * weekend * growth))

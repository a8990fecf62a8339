"""Demo observations: settings.DEMO_OBSERVATIONS (5,000 unless set) submissions to the three
demo forms, spread over space and a year.

- Pollinator counts (half) in and around Leiden gardens, some with a photo, some obscured by
  their observers; the project obscures every "borage" record (a sensitive category, to show
  forced obscuring).
- Water samples (30 %) along the Rhine branches, open.
- Heat diaries (20 %) in Leiden-Noord, obscured by the project's default: they are people's
  homes.

Everything goes through the service an app's batch of submissions goes through (checks,
geoprivacy, plausibility warnings; media checks for the photos), so the demo shows what real data
looks like. Idempotent: instance IDs are derived from the form and a counter, and existing ones
are skipped. A fixed seed gives the same data on every machine.
"""

import logging
import random
import uuid
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cslab.accounts.models import User
from cslab.core.demo import DemoLogin
from cslab.core.progress import progress_advance
from cslab.forms.answers import Location
from cslab.forms.models import Form
from cslab.media.services import media_attach
from cslab.observations.models import CollectionSettings, Observation
from cslab.observations.services.collection_settings import (
    collection_settings_update,
    sensitive_category_set,
)
from cslab.observations.services.observations import (
    MAX_BATCH,
    Submission,
    observation_submit_batch,
)

logger = logging.getLogger(__name__)

SEED = 20_261_125
# The year the demo observations cover, ending just before the demo was written.
YEAR_END = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
YEAR_START = YEAR_END - timedelta(days=365)
NAMESPACE = uuid.UUID("6f1c9a52-3b7e-4c55-9d2a-8f0e6f1d2c11")
PHOTO_EVERY = 40  # one pollinator count in 40 carries a photo (the first one always)
OBSERVERS = [
    "volunteer@demo.cslab.test",
    "student@demo.cslab.test",
    "organiser@demo.cslab.test",
    "trainer@demo.cslab.test",
    "ngo@demo.cslab.test",
    "researcher@demo.cslab.test",
]
# (project key, form ID, share of settings.DEMO_OBSERVATIONS, observers, bounding box west,
# south, east, north)
PLAN: list[tuple[str, str, float, list[str], tuple[float, float, float, float]]] = [
    ("pollinators", "pollinator_count", 0.5, OBSERVERS, (4.40, 52.10, 4.60, 52.22)),
    ("rhine-water", "water_quality", 0.3, ["ngo@demo.cslab.test"], (4.40, 51.80, 6.20, 52.15)),
    ("heat-stress", "heat_diary", 0.2, ["organiser@demo.cslab.test"], (4.47, 52.16, 4.51, 52.18)),
]


def load_demo_observations() -> list[DemoLogin]:
    """Submit whatever demo observations are missing; the settings of the three projects first."""

    people = {user.email: user for user in User.objects.filter(email__in=OBSERVERS)}
    forms = {
        form.project.external_id: form
        for form in Form.objects.select_related("project").filter(
            project__origin="cslab-demo", form_id__in=[plan[1] for plan in PLAN]
        )
    }
    staff = User.objects.filter(email="staff@demo.cslab.test").first()
    configured = set(
        CollectionSettings.objects.filter(project__origin="cslab-demo").values_list(
            "project__external_id", flat=True
        )
    )
    # Settings are made once, by Lab staff, like any change: a second load audits nothing.
    if staff is not None and "heat-stress" in forms and "heat-stress" not in configured:
        collection_settings_update(
            actor=staff, project=forms["heat-stress"].project, default_geoprivacy="obscured"
        )
    if staff is not None and "pollinators" in forms and "pollinators" not in configured:
        sensitive_category_set(
            actor=staff,
            project=forms["pollinators"].project,
            question="plant",
            values=["borage"],
            label="Borage patches are private gardens",
        )
        collection_settings_update(
            actor=staff, project=forms["pollinators"].project, accept_without_review=True
        )
    generator = random.Random(SEED)  # noqa: S311 - repeatable demo data, not secrets
    for project_key, _form_id, share, observer_emails, bbox in PLAN:
        count = round(settings.DEMO_OBSERVATIONS * share)
        form = forms.get(project_key)
        observers = [people[email] for email in observer_emails if email in people]
        if form is None or not observers:
            continue
        _submit_missing(form, count, observers, bbox, generator)
    return []


def _submit_missing(
    form: Form,
    count: int,
    observers: list[User],
    bbox: tuple[float, float, float, float],
    generator: random.Random,
) -> None:
    """Submit the form's missing demo observations in batches, each batch by one observer.

    The batch service checks the observer's permission, consent and the project's settings
    once per batch instead of once per observation, and one transaction per batch saves a
    commit (on SQLite, a write of the journal) per observation.
    """
    version = form.versions.filter(published_at__isnull=False).order_by("-published_at").first()
    if version is None:
        return
    stored = set(Observation.objects.filter(form=form).values_list("instance_id", flat=True))
    # By observer (their index in `observers`): the numbered submissions still to send.
    waiting: dict[int, list[tuple[int, Submission]]] = {i: [] for i in range(len(observers))}
    photos: dict[int, bytes] = {}
    for number in range(count):
        # Draw every value whether or not the row exists, so each row's values are the same
        # whichever rows an earlier, interrupted run already stored.
        values = _draw(form.form_id, generator, bbox)
        instance_id = f"uuid:{uuid.uuid5(NAMESPACE, f'{form.form_id}:{number}')}"
        if instance_id in stored:
            progress_advance(1, total=demo_observation_count())
            continue
        if _with_photo(form, number):
            values["answers"]["photo"] = _photo_name(number)
            # Drawn here, between this row's values and the next row's, as when each row was
            # submitted on its own: the same seed still gives the same data as before.
            photos[number] = _flower_photo(generator)
        submission = Submission(
            instance_id=instance_id,
            version=version.version,
            answers=values["answers"],
            observed_at=values["observed_at"],
            location=values["location"],
            geoprivacy=values["geoprivacy"],
        )
        waiting[number % len(observers)].append((number, submission))
    created = 0
    for index, items in waiting.items():
        for first in range(0, len(items), MAX_BATCH):
            batch = items[first : first + MAX_BATCH]
            created += _submit_batch(form, observers[index], batch, photos)
    if created:
        logger.info("demo: %d observations submitted to %s", created, form.form_id)


def _submit_batch(
    form: Form, observer: User, items: list[tuple[int, Submission]], photos: dict[int, bytes]
) -> int:
    """Submit one batch and attach its photos; return how many observations it created."""
    with transaction.atomic():
        results = observation_submit_batch(
            actor=observer, form=form, submissions=[submission for _number, submission in items]
        )
        for (number, _submission), result in zip(items, results, strict=True):
            if result.observation is None:
                # The demo's own data is valid: a refusal is a bug to see, not to skip.
                raise RuntimeError(f"demo observation {number} refused: {result.detail}")
            if result.status == "created" and number in photos:
                _attach_photo(observer, result.observation, number, photos[number])
    progress_advance(len(items), total=demo_observation_count())
    return sum(1 for result in results if result.status == "created")


def _with_photo(form: Form, number: int) -> bool:
    return form.form_id == "pollinator_count" and number % PHOTO_EVERY == 0


def _draw(form_id: str, generator: random.Random, bbox: tuple[float, ...]) -> dict[str, Any]:
    west, south, east, north = bbox
    # Clusters around a few sites make the map's hexagons worth looking at.
    centre_latitude = generator.uniform(south, north)
    centre_longitude = generator.uniform(west, east)
    latitude = round(min(max(generator.gauss(centre_latitude, 0.01), south), north), 6)
    longitude = round(min(max(generator.gauss(centre_longitude, 0.01), west), east), 6)
    accuracy = round(generator.uniform(3, 40), 1)
    # More observations in spring and summer, as in the field.
    day_of_year = int(min(max(generator.gauss(190, 70), 0), 364))
    observed_at = YEAR_START + timedelta(days=day_of_year, minutes=generator.randint(360, 1200))
    day = observed_at.date().isoformat()
    location = Location(latitude=latitude, longitude=longitude, accuracy=accuracy)
    geopoint = f"{latitude} {longitude} 0 {accuracy}"
    geoprivacy: str | None = None
    answers: dict[str, Any]
    if form_id == "pollinator_count":
        plant = generator.choices(["lavender", "borage", "other"], weights=[5, 2, 3])[0]
        summer = 1.0 + 2.0 * max(0.0, 1 - abs(day_of_year - 190) / 120)
        answers = {
            "day": day,
            "location": geopoint,
            "plant": plant,
            "bees": int(generator.expovariate(1 / (4 * summer))),
            "hoverflies": int(generator.expovariate(1 / (2 * summer))),
        }
        geoprivacy = "obscured" if generator.random() < 0.15 else None
    elif form_id == "water_quality":
        answers = {
            "sampled": observed_at.isoformat(),
            "site": geopoint,
            "nitrate": round(max(generator.gauss(18, 6), 0.1), 1),
            "phosphate": round(max(generator.gauss(0.4, 0.15), 0.01), 2),
            "litter": generator.randint(0, 25),
        }
    else:
        indoor = round(generator.gauss(24 + 5 * max(0.0, 1 - abs(day_of_year - 200) / 60), 1.5), 1)
        answers = {
            "day": day,
            "indoor": indoor,
            "discomfort": min(10, max(0, round((indoor - 21) * 1.2 + generator.gauss(0, 1)))),
            "story": generator.choice(HEAT_STORIES),
        }
    return {
        "answers": answers,
        "observed_at": observed_at,
        "location": location,
        "geoprivacy": geoprivacy,
    }


HEAT_STORIES = [
    "Slept badly; the bedroom under the roof stayed above 27 degrees all night.",
    "Kept the curtains closed all day and went to the library in the afternoon.",
    "My neighbour checked on me twice, which helped a lot.",
    "Could not cook; ate cold food and drank more water than usual.",
    "The park by the canal was the only cool place; it was crowded.",
    "Worked from home with a wet towel on my neck. Headache by evening.",
    "No problems today; the wind from the sea cooled the house down.",
    "The children could not sleep and neither could I.",
]


def _attach_photo(observer: User, observation: Observation, number: int, photo: bytes) -> None:
    name = _photo_name(number)
    media_attach(
        actor=observer,
        observation=observation,
        name=name,
        uploaded_file=SimpleUploadedFile(name, photo, "image/jpeg"),
    )


def _photo_name(number: int) -> str:
    # Named as ODK Collect names its photos: milliseconds since the epoch.
    return f"{1_750_000_000_000 + number}.jpg"


def _flower_photo(generator: random.Random) -> bytes:
    """Draw a small flower-like picture (a made-up photo; no real person or place in it)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (70 + generator.randint(0, 40), 130, 60))
    draw = ImageDraw.Draw(image)
    for _petal in range(generator.randint(3, 7)):
        x, y = generator.randint(60, 580), generator.randint(60, 420)
        colour = generator.choice([(150, 110, 200), (90, 120, 220), (240, 200, 60)])
        radius = generator.randint(20, 55)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
        draw.ellipse((x - 8, y - 8, x + 8, y + 8), fill=(250, 220, 90))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def demo_observation_count() -> int:
    """How many demo observations the plan makes (settings.DEMO_OBSERVATIONS, rounded)."""
    return sum(round(settings.DEMO_OBSERVATIONS * plan[2]) for plan in PLAN)

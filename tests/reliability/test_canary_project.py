"""Item 4 (docs/reliability.md A1, Zooniverse's canary): a private project appears 0 times to
outsiders.

The permission matrix's World (tests/test_permission_matrix.py, with every area's objects) has a
private project, `team_project`, with objects of every kind: forms, observations with answers
and photos, questions and comments on its board, a case study that links it, an event of it,
impact outputs, data exports, app users. It is made the canary (# This should never be seen by
anyone): its name, slug and description, and the texts of its objects, get a distinctive mark
(`MARK`), and its team is sent notifications by e-mail. Then an anonymous visitor, a volunteer
and the owner of another project each read:

* every HTML page reachable by links from the home page (a bounded breadth-first crawl);
* every GET operation of the OpenAPI document whose path parameters a public value fills (lists
  and searches, searched for the canary's name too);
* the feeds (new projects, iCalendar, hub Atom feeds) and the sitemap with its sections;
* every e-mail sent to someone off the canary's team during the setup and the crawl.

Pass: 0 occurrences of the canary's mark, name, slug or tokens. A control (the project's owner
finds it on their own pages) shows the count can be other than 0.
"""

import re
from collections import deque
from collections.abc import Iterable
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils.translation import gettext_noop

from cslab.api.api import api
from cslab.events.models import Event
from cslab.impact.models import Output
from cslab.notifications.services.notifications import notification_send
from cslab.observations.models import Observation
from cslab.projects.models import Membership, Project
from cslab.questions.services.comments import comment_post
from cslab.questions.services.questions import question_propose
from cslab.questions.services.supports import question_follow
from tests.permission_matrix import ANONYMOUS, OTHER_OWNER, VOLUNTEER, World
from tests.test_permission_matrix import Matrix, matrix_build, matrix_client

pytestmark = pytest.mark.django_db

# The canary's mark: in its name, slug, description and every text planted in it.
MARK = "qx7zcanary"
CANARY_NAME = f"Quillwort {MARK} survey"
CANARY_SLUG = f"quillwort-{MARK}-survey"
# Searched for (a prefix of the name's first word, so an echoed search term is no hit).
SEARCH_TERM = "Quillwor"
NOT_CRAWLED = (
    "/accounts/logout",
    "/i18n/",
    "/admin",
    "/static/",
    "/media/",
    "/api/v1/docs",
    "/healthz",
)
FEEDS = [
    "/",
    "/sitemap.xml",
    "/robots.txt",
    "/projects/feed/",
    "/projects/map.geojson",
    f"/projects/?q={SEARCH_TERM}",
    f"/hub/?q={SEARCH_TERM}",
    "/hub/feed.atom",
    "/hub/case-studies/feed.atom",
    "/events/feed.ics",
    "/events/calendars/",
    "/events/",
    "/hub/",
    "/impact/",
    "/organisations/",
    "/questions/",
    "/questions/triage/",
    f"/questions/similar/?text={SEARCH_TERM}",
    "/api/v1/ppsr/projects",
]
HREF = re.compile(r"""(?:href|src)=["']([^"'#]+)["']|<loc>([^<]+)</loc>""", re.IGNORECASE)


def _canary_name(world: World) -> None:
    """Name the private project as the canary, before the areas add their objects to it."""
    project = world.team_project
    Project.objects.filter(pk=project.pk).update(
        name=CANARY_NAME,
        slug=CANARY_SLUG,
        description=f"This should never be seen by anyone ({MARK}).",
        aim=f"Count {MARK} quillworts.",
        locality=f"{MARK} fen",
    )
    project.refresh_from_db()


def _canary_plant(world: World, outsiders: list[Any]) -> dict[str, Any]:
    """Mark the canary's objects with `MARK`, and mail its team."""
    project = world.team_project
    for observation in Observation.objects.filter(project=project):
        observation.answers = {**observation.answers, "note": f"{MARK} observation"}
        observation.save(update_fields=["answers"])
    Event.objects.filter(project=project).update(title=f"{MARK} workshop")
    Output.objects.filter(projects=project).update(title=f"{MARK} output")
    owner = world.other_user
    question = question_propose(
        actor=owner,
        text=f"Do {MARK} quillworts grow back?",
        why_it_matters=f"The {MARK} fen dries out.",
        project=project,
    )
    comment_post(actor=owner, question=question, text=f"{MARK} comment")
    team = [membership.user for membership in Membership.objects.filter(project=project)]
    # Outsiders who follow a Lab-wide question hear of the canary owner's comment on it.
    for outsider in outsiders:
        question_follow(actor=outsider, question=world.lab_question)
    comment_post(actor=owner, question=world.lab_question, text="Ivy flowers late.")
    notification_send(
        recipients=team,
        kind="test",
        message=gettext_noop("News of %(project)s"),
        params={"project": CANARY_NAME},
        url=f"/projects/{CANARY_SLUG}/",
        email=True,
    )
    app_users = [world.extra["app_user"].token, world.extra["editing_phone"].token]
    return {"project": project, "team": team, "tokens": app_users}


def _canary_pattern(canary: dict[str, Any]) -> re.Pattern[str]:
    words = [MARK, CANARY_NAME, CANARY_SLUG, *canary["tokens"]]
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def _text(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return str(response.headers) + body.decode("utf-8", errors="replace")


def _links(text: str) -> Iterable[str]:
    for match in HREF.finditer(text):
        link = (match.group(1) or match.group(2) or "").replace("&amp;", "&")
        parts = urlsplit(urldefrag(link)[0])
        # A sitemap names the site's pages with its configured domain; other links stay here.
        here = parts.netloc in ("", "testserver") or match.group(2) is not None
        if not here or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(NOT_CRAWLED):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def _api_urls(world: World) -> list[str]:
    """Every GET operation whose path parameters public values fill, searched for the canary."""
    values = {"slug": world.public_project.slug, "user_id": str(world.other_user.pk)}
    urls = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        names = set(re.findall(r"{(\w+)}", path))
        if names - set(values):
            continue
        for name in names:
            path = path.replace(f"{{{name}}}", values[name])
        urls += [path, f"{path}?q={SEARCH_TERM}&search={SEARCH_TERM}&limit=200"]
    return urls


def _crawl(client: Client, start: list[str], limit: int) -> dict[str, str]:
    """GET the start URLs and pages linked from them, breadth first, at most `limit` in all."""
    seen: dict[str, str] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = _text(response)
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and ("html" in content_type or "xml" in content_type):
            queue.extend(link for link in _links(seen[url]) if link not in seen)
    return seen


def _occurrences(texts: dict[str, str], pattern: re.Pattern[str], who: str) -> list[str]:
    found = []
    for where, text in texts.items():
        for match in pattern.finditer(text):
            start = max(0, match.start() - 80)
            found.append(f"{who} {where}: …{text[start : match.end() + 80]}…")
    return found


def _outsider_mail(team: list[Any]) -> dict[str, str]:
    """The e-mails sent so far to anyone off the canary's team, by recipient and subject."""
    team_addresses = {person.email.lower() for person in team}
    texts = {}
    for number, message in enumerate(mail.outbox):
        outsiders = [
            address
            for address in [*message.to, *message.cc, *message.bcc]
            if address.lower() not in team_addresses
        ]
        if not outsiders:
            continue
        alternatives = "".join(str(content) for content, _type in message.alternatives)
        texts[f"e-mail {number} to {outsiders}"] = (
            f"{message.subject}\n{message.body}\n{alternatives}"
        )
    return texts


def test_a_canary_private_project_appears_nowhere_outsiders_look(
    scale: Any, report_figure: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # E-mails leave when their transaction commits: run those hooks, in the setup and the crawl.
    with django_capture_on_commit_callbacks(execute=True):
        matrix: Matrix = matrix_build(prepare=_canary_name)
        world = matrix.world
        outsiders = [matrix.viewers[role] for role in (VOLUNTEER, OTHER_OWNER)]
        canary = _canary_plant(world, outsiders)
    pattern = _canary_pattern(canary)
    limit = scale.pick(short=400, full=2000)  # pages per viewer: today the crawl ends near 220

    scanned = 0
    leaks: list[str] = []
    for role in (ANONYMOUS, VOLUNTEER, OTHER_OWNER):
        client = matrix_client(matrix, role)
        # The public case study that links the canary (among other projects), and its export.
        case_study = world.extra["case-study"].slug
        start = [*FEEDS, *(f"/hub/{case_study}/{tail}" for tail in ("", "export.html", "print/"))]
        with django_capture_on_commit_callbacks(execute=True):
            pages = _crawl(client, start, limit)
            answers = {url: _text(client.get(url)) for url in _api_urls(world)}
        scanned += len(pages) + len(answers)
        crawled_case_study = f"/hub/{case_study}/" in pages
        leaks += _occurrences(pages, pattern, role) + _occurrences(answers, pattern, role)
    e_mails = _outsider_mail(canary["team"])
    scanned += len(e_mails)
    leaks += _occurrences(e_mails, pattern, "outsider")

    # The control: the same crawl finds the canary for its owner, so 0 above means something.
    owner = Client()
    owner.force_login(world.other_user)
    control = _occurrences(_crawl(owner, ["/projects/mine/", "/api/v1/projects"], 5), pattern, "")
    team_mail = len(mail.outbox) - len(e_mails)

    report_figure(
        item="4 canary private project",
        measure="canary occurrences to outsiders (anonymous, volunteer, another project's owner)",
        value=f"{len(leaks)} in {scanned} pages, API answers and e-mails",
        target="0",
        passed=not leaks and bool(control),
    )
    assert control, "the control found no canary for its owner: the scan would miss a leak"
    assert team_mail > 0, "the canary's team got no e-mail"
    assert e_mails, "nobody off the team got an e-mail: the e-mail scan looked at nothing"
    assert scanned > 3 * 60, f"only {scanned} outputs were scanned"
    assert crawled_case_study, "the public case study that links the canary was not read"
    assert leaks == [], "\n".join(leaks[:40])

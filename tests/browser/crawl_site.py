"""The crawl tests' site and check: every same-site link, followed as a person would (issue 11).

The demo Lab is loaded and served exactly as `make demo` does it (`cslab migrate`, `cslab demo`,
`cslab serve`: gunicorn, DEBUG off, WhiteNoise, the permission-checking media view), in a scratch
folder (loaded once per run, a copy per crawl file), and Chromium at a phone's width follows every
visible link from the home page. Every page it reaches must answer below 400, show every same-site
image and fit 390 px without scrolling sideways; the first page of every route must pass axe-core
(WCAG 2.2 A/AA). Pages that are one route with other data (one observation and the next) are
checked a few times per route, not thousands of times.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from cslab.accounts.demo import DEMO_PASSWORD
from tests.browser.conftest import PHONE
from tests.browser.site_crawl import crawl, log_in

# The demo's 5,000 observations make the first load slow; a few hundred show every page kind.
DEMO_OBSERVATIONS = "300"
CRAWL_AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES_PER_ROUTE = 2
# Issue 15: the impact pages every crawl must reach by visible links (URL names), and those
# only some people reach: the team's import and statement pages, staff's meta-research feed.
IMPACT_PAGES_FOR_EVERYONE = {
    "lab_impact",
    "project_impact",
    "project_impact_report",
    "project_impact_statements",
}
# Issue 16: the project's data page and dataset page (the files themselves are download links,
# which the crawl does not follow; their own tests download them).
DATA_PAGES_FOR_EVERYONE = {"project_data_exports", "project_dataset"}
IMPACT_PAGES_BY_PERSON = {
    "researcher@demo.cslab.test": {"project_outputs_import", "project_impact_statement_create"},
    "staff@demo.cslab.test": {"meta_research_exports"},
}
START_TIMEOUT_SECONDS = 600
# A researcher's and staff's crawls reach over 400 pages (two per route) since issue 16.
MAX_PAGES = 700


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cslab(arguments: list[str], environment: dict[str, str], log: Path) -> None:
    with log.open("ab") as output:
        subprocess.run(  # our own command
            [sys.executable, "-m", "cslab.cli", *arguments],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=START_TIMEOUT_SECONDS,
        )


def _environment(folder: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="cslab.settings.base",
        CSLAB_VAR_DIR=str(folder),
        CSLAB_DEMO="true",
        CSLAB_DEMO_OBSERVATIONS=DEMO_OBSERVATIONS,
        WEB_CONCURRENCY="2",
    )
    return environment


def _built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var folder after `cslab migrate` and `cslab demo`, built once per test run.

    Both crawl files serve a copy of it: under xdist each runs in its own worker, and the first
    to get here builds while the other waits (a minute or more each, so one build is saved). The
    folder is the run's own (xdist's shared base folder, or this session's without xdist), never
    another run's.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    build = root / "crawl-demo-build"
    with (root / "crawl-demo-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (build / "built").exists():
                shutil.rmtree(build, ignore_errors=True)
                build.mkdir()
                environment = _environment(build)
                log = build / "build.log"
                _cslab(["migrate", "--noinput"], environment, log)
                _cslab(["demo"], environment, log)
                (build / "built").touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return build


def start_demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo Lab on its own port and its own SQLite file (a copy of the run's one demo
    build), served by gunicorn."""
    folder = tmp_path_factory.mktemp("demo-site")
    shutil.copytree(
        _built_demo(tmp_path_factory),
        folder,
        ignore=shutil.ignore_patterns("built", "build.log", "cache"),
        dirs_exist_ok=True,
    )
    environment = _environment(folder)
    log = folder / "site.log"
    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    with log.open("ab") as output:
        server = subprocess.Popen(  # our own command
            [sys.executable, "-m", "cslab.cli", "serve", "--port", str(port)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{origin}/", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the demo site did not start:\n{log.read_text()[-4000:]}")
            time.sleep(0.5)
        yield origin
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def _route(url: str) -> str:
    """The URL pattern a page came from, so `/observations/1/` and `/observations/2/` are one."""
    path = urlsplit(url).path
    try:
        return resolve(path).route or path
    except Resolver404:
        return path


def _url_name(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).url_name or ""
    except Resolver404:
        return ""


def check_every_linked_page(chromium: Any, axe: Any, origin: str, person: str | None) -> None:
    """Crawl as `person` (None: anonymous) and fail with every problem found."""
    context = chromium.new_context(
        base_url=origin, locale="en-GB", viewport=PHONE, reduced_motion="reduce"
    )
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        if person:
            log_in(page, origin, person, DEMO_PASSWORD)
            assert "/accounts/login/" not in page.url, f"{person} could not log in"
        report = crawl(
            page,
            origin,
            axe=axe,
            axe_tags=CRAWL_AXE_TAGS,
            page_key=_route,
            variants_per_key=PAGES_PER_ROUTE,
            max_pages=MAX_PAGES,
        )
    finally:
        context.close()
    html_pages = [result for result in report.pages if "text/html" in result.content_type]
    # The crawl must have got somewhere: the home page links the directory, projects, questions.
    assert len(html_pages) >= 15, [result.url for result in report.pages]
    reached = {_url_name(result.url) for result in report.pages if result.status < 400}
    expected = (
        IMPACT_PAGES_FOR_EVERYONE
        | DATA_PAGES_FOR_EVERYONE
        | IMPACT_PAGES_BY_PERSON.get(person or "", set())
    )
    problems = report.failures()
    if expected - reached:
        problems.append(f"not reached by links: {sorted(expected - reached)}")
    if len(report.pages) >= MAX_PAGES:
        problems.append(f"the crawl stopped at {MAX_PAGES} pages: raise MAX_PAGES")
    assert not problems, f"{len(report.pages)} pages crawled; problems:\n" + "\n".join(problems)

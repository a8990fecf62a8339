"""The hub's search with facets over 50,000 resources, on SQLite and PostgreSQL.

Issue 12 asks for p95 under 100 ms on both engines. For each engine a scratch database is
migrated (`cslab migrate`), filled with RESOURCES generated published resources with tags (bulk
inserts, then a rebuild of the full-text index), and the search selector (`resource_search`:
words + facet filters + every facet's counts + the first page with snippets) is timed for a
fixed set of QUERIES, RUNS times in all, in a child process with Django set up on the scratch
database. SQLite: var/bench/hub_search.sqlite3. PostgreSQL (when a server answers at
BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432): a database
cslab_bench_<random>, dropped afterwards.
"""

import json
import logging
import os
import sys
import time
from datetime import timedelta
from typing import Any

from benchmarks.support import (
    BENCH_DIR,
    Result,
    cslab_migrate,
    percentile,
    remove_sqlite_database,
    run_checked,
    scratch_environment,
    scratch_postgres_database,
)

logger = logging.getLogger("benchmarks.hub_search")

BENCHMARK = "hub_search"
RESOURCES = 50_000
RUNS = 150
TARGET_P95_MS = 100.0
SEED = 20_261_206
SQLITE_PATH = BENCH_DIR / "hub_search.sqlite3"
SCRATCH_VAR_DIR = BENCH_DIR / "hub_search-scratch"

# A visitor's searches: words plus three facets, as the issue asks; one without words, one typo.
QUERIES: list[str] = [
    "q=consent&kind=template&phase=design&language=en",
    "q=volunteer recruit&audience=community_organisers&phase=collection&kind=best_practice",
    "q=data quality&domain=biodiversity&phase=analysis&language=nl",
    "q=ethics&faculty=medicine&kind=method_card&level=co_created",
    "q=bird count&domain=biodiversity&audience=volunteers&sort=most_used",
    "q=air sens&domain=environment&kind=tool&phase=collection",
    "q=interview&faculty=social_sciences&phase=design&sort=newest",
    "q=workshop&audience=educators&kind=training_material&language=en",
    "kind=case_study&domain=health&phase=dissemination",
    "q=pollinatr&kind=method_card&phase=collection&language=en",
]
TYPO_QUERIES = {"q=pollinatr&kind=method_card&phase=collection&language=en"}


def query_kind(query: str) -> str:
    """The kind of search, for p50/p95 per kind: words + 3 facets, facets only, a typo."""
    if query in TYPO_QUERIES:
        return "typo"
    return "words + 3 facets" if "q=" in query else "facets only"


def _measure_engine(engine: str, database_url: str) -> list[Result]:
    environment = scratch_environment(database_url, SCRATCH_VAR_DIR)
    cslab_migrate(environment, f"{engine}: migrate")
    output = run_checked(
        [sys.executable, "-m", "benchmarks.hub_search", "--child"],
        environment,
        f"{engine}: generate {RESOURCES:,} resources and time {RUNS} searches",
    )
    report = json.loads(output.strip().splitlines()[-1])
    scale = f"{report['resources']:,} resources, {report['runs']} runs"
    p50, p95 = report["p50_ms"], report["p95_ms"]
    verdict = "meets" if p95 < TARGET_P95_MS else "MISSES"
    logger.info(
        "%s: p50 %.1f ms, p95 %.1f ms (%.2fx the target): %s p95 < %.0f ms",
        engine,
        p50,
        p95,
        p95 / TARGET_P95_MS,
        verdict,
        TARGET_P95_MS,
    )
    for kind, figures in report["per_kind"].items():
        logger.info(
            "%s:   %s: p50 %.1f ms, p95 %.1f ms (%d runs)",
            engine,
            kind,
            figures["p50_ms"],
            figures["p95_ms"],
            figures["runs"],
        )
    logger.info(
        "%s:   warm-up, not in the figures: first search %.0f ms, slowest of the next %d "
        "(builds what later searches keep) %.0f ms%s",
        engine,
        report["first_search_ms"],
        len(QUERIES),
        report["warm_up_max_ms"],
        "".join(f"; index {name} {value}" for name, value in report["facet_index"].items()),
    )
    details = {
        **report,
        "engine": engine,
        "target_p95_ms": TARGET_P95_MS,
        "ratio_to_target": round(p95 / TARGET_P95_MS, 3),
        "meets_target": p95 < TARGET_P95_MS,
        "queries": QUERIES,
        "measured": "resource_search(): total, all facet counts, first page of 20 with snippets",
    }
    name = f"{engine}: hub search + facets + first page"
    return [
        Result(BENCHMARK, f"{name} p50", scale, p50, "ms", "lower", details=details),
        Result(
            BENCHMARK,
            f"{name} p95 (target < {TARGET_P95_MS:.0f} ms)",
            scale,
            p95,
            "ms",
            "lower",
            details=details,
        ),
    ]


def _sqlite() -> list[Result]:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    remove_sqlite_database(SQLITE_PATH)
    return _measure_engine("SQLite", f"sqlite:///{SQLITE_PATH}")


def _postgresql() -> list[Result]:
    with scratch_postgres_database("cslab_bench") as database_url:
        if database_url is None:
            return []
        return _measure_engine("PostgreSQL", database_url)


def run() -> list[Result]:
    SCRATCH_VAR_DIR.mkdir(parents=True, exist_ok=True)
    engines = os.environ.get("BENCH_HUB_ENGINES", "sqlite,postgresql").split(",")
    results: list[Result] = []
    if "sqlite" in engines:
        results += _sqlite()
    if "postgresql" in engines:
        results += _postgresql()
    return results


# The child: runs with Django set up on the scratch database -------------------------------------

TOPICS = {
    "biodiversity": ["bird", "count", "pollinator", "bees", "moths", "transect", "species"],
    "environment": ["air", "sensor", "noise", "water", "quality", "litter", "soil"],
    "health": ["sleep", "asthma", "wellbeing", "patients", "diary", "symptoms"],
    "heritage": ["archive", "transcription", "letters", "monuments", "photographs"],
    "social": ["interview", "neighbourhood", "trust", "survey", "focus", "group"],
    "education": ["school", "pupils", "teachers", "lesson", "workshop", "classroom"],
}
GENERAL = [
    "consent", "ethics", "volunteer", "recruitment", "data", "quality", "protocol", "guide",
    "checklist", "training", "feedback", "results", "sharing", "analysis", "design", "method",
    "citizen", "science", "project", "community", "co-creation", "evaluation", "impact",
]  # fmt: skip
FILLER = [
    "the", "and", "with", "for", "every", "how", "to", "your", "a", "of", "in", "on", "at",
    "simple", "steps", "examples", "tips", "week", "together", "local", "open", "tools",
]  # fmt: skip
KINDS = [
    "best_practice", "method_card", "tool", "template", "publication", "dataset", "recording",
    "training_material", "case_study",
]  # fmt: skip
PHASES = ["question", "design", "collection", "analysis", "interpretation", "dissemination"]
AUDIENCES = [
    "researchers", "community_organisers", "volunteers", "students", "educators",
    "policy_makers", "funders", "general_public",
]  # fmt: skip
FACULTIES = ["science", "medicine", "social_sciences", "humanities", "law", "archaeology"]
LEVELS = ["", "contributory", "collaborative", "co_created"]
LICENCES = ["CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0"]
ORGANISATIONS = [f"Organisation {number}" for number in range(60)] + [""] * 20
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "de", "po", "gra", "ben", "tor"]
VOCABULARY_SIZE = 4000


def _vocabulary(random: Any) -> tuple[list[str], list[float]]:
    """Made-up words with Zipf-like frequencies: the bulk of a text, as in real prose, so
    that a search word is in some of the resources, not in all of them."""
    words: set[str] = set()
    while len(words) < VOCABULARY_SIZE:
        words.add("".join(random.choice(SYLLABLES) for _ in range(random.randint(2, 4))))
    ordered = sorted(words)
    random.shuffle(ordered)
    return ordered, [1 / rank for rank in range(1, len(ordered) + 1)]


def _generate(count: int) -> dict[str, float]:
    """Insert `count` published resources with tags; return timings."""
    import random as random_module

    from django.db import connection, transaction
    from django.utils import timezone

    from cslab.hub.models import Resource, ResourceTag
    from cslab.hub.search import search_index_rebuild

    random = random_module.Random(SEED)  # noqa: S311 (repeatable test data, not secrets)
    started = time.perf_counter()
    now = timezone.now()
    vocabulary, weights = _vocabulary(random)
    resources: list[Any] = []
    tags_by_resource: list[dict[str, set[str]]] = []
    for number in range(count):
        domains = random.sample(list(TOPICS), random.randint(1, 2))
        topical = [word for domain in domains for word in TOPICS[domain]]
        # A few topic and general words per resource, in prose of common and rare words.
        words = random.sample(topical, 3) + random.sample(GENERAL, 3)
        title = " ".join(random.sample(words, random.randint(2, 4))).capitalize()
        prose = random.choices(vocabulary, weights, k=random.randint(80, 300))
        summary = " ".join(random.sample(FILLER, 8) + words[:3] + prose[:8]).capitalize() + "."
        body = " ".join(prose + words + random.sample(FILLER, 10))
        tags = {
            "domain": set(domains),
            "phase": set(random.sample(PHASES, random.randint(1, 2))),
            "audience": set(random.sample(AUDIENCES, random.randint(1, 3))),
            "faculty": {random.choice(FACULTIES)},
            "keyword": set(random.sample(words, 3)),
        }
        organisation = random.choice(ORGANISATIONS)
        document = " ".join([body, organisation, *domains, *tags["phase"], *tags["keyword"]])
        published = now - timedelta(days=random.randint(0, 2000), minutes=number)
        resources.append(
            Resource(
                slug=f"resource-{number}",
                kind=random.choice(KINDS),
                title=title[:200],
                summary=summary[:600],
                body=body,
                organisation=organisation,
                participation_level=random.choice(LEVELS),
                language=random.choice(["en", "en", "nl"]),
                licence=random.choice(LICENCES),
                status="published",
                version=1,
                published_at=published,
                view_count=random.randint(0, 5000),
                download_count=random.randint(0, 800),
                use_count=random.randint(0, 40),
                search_document=document.lower(),
            )
        )
        tags_by_resource.append(tags)
    generated = time.perf_counter()
    with transaction.atomic():
        created = Resource.objects.bulk_create(resources, batch_size=1000)
        ResourceTag.objects.bulk_create(
            [
                ResourceTag(resource_id=resource.pk, kind=kind, value=value)
                for resource, tags in zip(created, tags_by_resource, strict=True)
                for kind, values in tags.items()
                for value in sorted(values)
            ],
            batch_size=5000,
        )
    inserted = time.perf_counter()
    search_index_rebuild()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    indexed = time.perf_counter()
    return {
        "generate_seconds": round(generated - started, 3),
        "insert_seconds": round(inserted - generated, 3),
        "index_rebuild_and_vacuum_seconds": round(indexed - inserted, 3),
        "tags": ResourceTag.objects.count(),
    }


def _time_queries(runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.http import QueryDict

    from cslab.hub.queries import search_params_from_query
    from cslab.hub.selectors.search import resource_search

    def once(query_string: str) -> tuple[float, int]:
        started = time.perf_counter()
        found = resource_search(None, search_params_from_query(QueryDict(query_string)))
        for result in found.results:  # what a card reads
            _ = (result.resource.title, result.snippet, result.facets)
        return (time.perf_counter() - started) * 1000, found.total

    # Warm-up, thrown away: the first searches after loading build what later ones keep.
    first_search_ms = once(QUERIES[0])[0]
    warm_up = {query: once(query) for query in QUERIES}
    totals = {query: total for query, (_latency, total) in warm_up.items()}
    per_query: dict[str, list[float]] = {query: [] for query in QUERIES}
    for number in range(runs):
        query = QUERIES[number % len(QUERIES)]
        per_query[query].append(once(query)[0])
    latencies = sorted(latency for values in per_query.values() for latency in values)
    by_kind: dict[str, list[float]] = {}
    for query, values in per_query.items():
        by_kind.setdefault(query_kind(query), []).extend(values)
    return {
        "first_search_ms": round(first_search_ms, 1),
        "warm_up_max_ms": round(max(latency for latency, _total in warm_up.values()), 1),
        "facet_index": _facet_index_facts(),
        "per_kind": {
            kind: {
                "runs": len(values),
                "p50_ms": round(percentile(sorted(values), 0.50), 3),
                "p95_ms": round(percentile(sorted(values), 0.95), 3),
            }
            for kind, values in by_kind.items()
        },
        "engine_vendor": connection.vendor,
        "runs": len(latencies),
        "p50_ms": round(percentile(latencies, 0.50), 3),
        "p95_ms": round(percentile(latencies, 0.95), 3),
        "max_ms": round(latencies[-1], 3),
        "mean_ms": round(sum(latencies) / len(latencies), 3),
        "per_query": {
            query: {
                "matches": totals[query],
                "p50_ms": round(percentile(sorted(values), 0.50), 3),
                "p95_ms": round(percentile(sorted(values), 0.95), 3),
            }
            for query, values in per_query.items()
        },
    }


def _facet_index_facts() -> dict[str, Any]:
    """Size and build time of the search's in-memory facet index, when it has one."""
    try:
        from cslab.hub.facet_index import facet_index
    except ImportError:
        return {}
    index = facet_index()
    return {
        "build_s": round(index.build_seconds, 2),
        "array_mb": round(index.nbytes / 1_000_000, 1),
        "resources": index.size,
        "facet_pairs": sum(len(pairs.rows) for pairs in index.facets.values()),
    }


def _child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cslab.settings.base")
    django.setup()
    from cslab.hub.models import Resource

    if Resource.objects.exists():
        raise SystemExit("the scratch database already holds resources")
    timings = _generate(RESOURCES)
    report = {"resources": Resource.objects.count(), **timings, **_time_queries(RUNS)}
    print(json.dumps(report))


if __name__ == "__main__":
    if sys.argv[1:] != ["--child"]:
        raise SystemExit("usage: python -m benchmarks (this module runs as a child of it)")
    _child()

"""Open-data exports (issue 16, item 9): throughput and peak memory per format on PostgreSQL.

A scratch PostgreSQL database is migrated; a child process stores BENCH_EXPORT_ROWS
observations (1,000,000 unless set) of a form with a select_multiple, a geopoint and a repeat
(every tenth observation has two repetitions; a third are obscured), in bulk. Then, for each
format, a fresh child process writes the public export with `cslab.exports.services.export_write`
(the code the export job and `cslab export` run) and reports its time, rows per second, file
size and its own peak memory (ru_maxrss), against the issue's bound of 300 MB.
"""

import json
import logging
import os
import resource
import sys
import time
from typing import Any

from benchmarks.support import (
    BENCH_DIR,
    Result,
    bench_project,
    cslab_migrate,
    observations_load,
    run_checked,
    scratch_environment,
    scratch_postgres_database,
)

logger = logging.getLogger("benchmarks.exports")

BENCHMARK = "exports"
DEFAULT_ROWS = 1_000_000
MEMORY_BOUND_MB = 300.0
FORMATS = ("csv", "xlsx", "geojson", "datapackage", "parquet", "dwca")
SCRATCH_VAR_DIR = BENCH_DIR / "exports-scratch"
FORM = (
    b"survey,type,name,label\n"
    b",select_one species,species,Species\n"
    b",integer,count,Count\n"
    b",select_multiple flowers,flowers,Flowers\n"
    b",geopoint,where,Where\n"
    b",begin_repeat,visit,Visits\n"
    b",integer,seconds,Seconds\n"
    b",end_repeat,visit,\n"
    b"choices,list_name,name,label\n"
    b",species,bombus_terrestris,Bombus terrestris\n"
    b",species,apis_mellifera,Apis mellifera\n"
    b",species,episyrphus_balteatus,Episyrphus balteatus\n"
    b",flowers,clover,Clover\n,flowers,thistle,Thistle\n,flowers,daisy,Daisy\n"
    b"settings,form_id,form_title,version\n,visits,Visits,1\n"
)


def rows_to_store() -> int:
    raw = os.environ.get("BENCH_EXPORT_ROWS", "").strip()
    return int(raw) if raw else DEFAULT_ROWS


def run() -> list[Result]:
    SCRATCH_VAR_DIR.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    with scratch_postgres_database("cslab_bench_exports") as url:
        if url is None:
            return results
        environment = scratch_environment(url, SCRATCH_VAR_DIR)
        cslab_migrate(environment, "PostgreSQL: migrate")
        count = rows_to_store()
        run_checked(
            [sys.executable, "-m", "benchmarks.exports", "--store", str(count)],
            environment,
            f"store {count:,} observations",
            timeout=7200,
        )
        scale = f"{count:,} observations"
        for format in FORMATS:
            output = run_checked(
                [sys.executable, "-m", "benchmarks.exports", "--export", format],
                environment,
                f"PostgreSQL: public {format} export",
                timeout=7200,
            )
            report = json.loads(output.strip().splitlines()[-1])
            verdict = "within" if report["peak_memory_mb"] < MEMORY_BOUND_MB else "OVER"
            logger.info(
                "%s: %.1f s, %.0f rows/s, %.1f MB file, peak memory %.0f MB (%s %.0f MB)",
                format,
                report["seconds"],
                report["rows_per_second"],
                report["file_bytes"] / 1e6,
                report["peak_memory_mb"],
                verdict,
                MEMORY_BOUND_MB,
            )
            results.append(
                Result(BENCHMARK, f"PostgreSQL: {format} export rows per second", scale,
                       report["rows_per_second"], "rows/s", "higher", details=report)
            )  # fmt: skip
            results.append(
                Result(BENCHMARK, f"peak memory of the {format} export (bound 300 MB)", scale,
                       report["peak_memory_mb"], "MB", "lower", details=report)
            )  # fmt: skip
    return results


# The children: run with Django set up on the scratch database -----------------------------------


COLUMNS = (
    "project_id, form_id, form_version_id, instance_id, observer_id, answers, content_hash,"
    " latitude, longitude, accuracy, h3_res3, h3_res5, h3_res7, h3_res9, observed_day_only,"
    " geoprivacy, geoprivacy_forced, public_latitude, public_longitude, public_h3_res3,"
    " public_h3_res5, public_h3_res7, public_h3_res9, status, status_reason, warnings,"
    " warning_count, created_at"
)


def _rows(count: int, project_id: int, form_id: int, version_id: int, observer_id: int) -> Any:
    """Yield observation rows in the order of COLUMNS."""
    import hashlib
    import random
    from datetime import UTC, datetime

    from cslab.observations import geoprivacy

    generator = random.Random(20_261_207)  # noqa: S311 (made-up data)
    flowers = ["clover", "thistle", "daisy"]
    created_at = datetime(2026, 6, 1, tzinfo=UTC)
    for number in range(count):
        latitude = 50.8 + generator.random() * 2.5
        longitude = 3.4 + generator.random() * 3.6
        answers: dict[str, Any] = {
            "species": generator.choice(
                ["bombus_terrestris", "apis_mellifera", "episyrphus_balteatus"]
            ),
            "count": generator.randint(1, 12),
            "flowers": " ".join(generator.sample(flowers, generator.randint(1, 3))),
            "where": f"{latitude:.6f} {longitude:.6f} 0 5",
        }
        if number % 10 == 0:
            answers["visit"] = [{"seconds": generator.randint(1, 60)} for _ in range(2)]
        obscured = number % 3 == 0
        public = (
            geoprivacy.obscure(latitude, longitude, seed=f"bench-{number}".encode())
            if obscured
            else None
        )
        text = json.dumps(answers)
        yield (
            project_id, form_id, version_id, f"uuid:bench-{number}", observer_id, text,
            hashlib.sha256(text.encode()).hexdigest(), latitude, longitude, 5.0,
            "", "", "", "", False,
            "obscured" if obscured else "open", False,
            public.latitude if public else latitude, public.longitude if public else longitude,
            "", "", "", "",
            "accepted", "", "[]", 0, created_at,
        )  # fmt: skip


def _store(count: int) -> None:
    owner, project, version = bench_project(
        name="Bench visits", file_name="visits.csv", content=FORM
    )
    seconds = observations_load(
        COLUMNS, _rows(count, project.pk, version.form_id, version.pk, owner.pk)
    )
    logger.info("stored %s observations in %.0f s", f"{count:,}", seconds)


def _export(format: str) -> None:
    from pathlib import Path

    from django.conf import settings

    from cslab.exports.services import export_write
    from cslab.exports.writers import SUFFIXES
    from cslab.projects.models import Project

    project = Project.objects.get(name="Bench visits")
    destination = Path(settings.MEDIA_ROOT).parent / f"bench-export{SUFFIXES[format]}"
    started = time.perf_counter()
    result = export_write(
        actor=None,
        project=project,
        form_id="visits",
        format=format,
        destination=destination,
        public=True,
    )
    seconds = time.perf_counter() - started
    observations = result.rows.get("visits", 0)
    report = {
        "format": format,
        "observations": observations,
        "rows": result.rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(observations / seconds, 1) if seconds else 0.0,
        "file_bytes": destination.stat().st_size,
        # ru_maxrss is in kilobytes on Linux.
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    destination.unlink()
    sys.stdout.write(json.dumps(report) + "\n")


if __name__ == "__main__" and ("--store" in sys.argv or "--export" in sys.argv):
    import django

    django.setup()
    if "--store" in sys.argv:
        _store(int(sys.argv[sys.argv.index("--store") + 1]))
    else:
        _export(sys.argv[sys.argv.index("--export") + 1])

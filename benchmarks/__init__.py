"""Benchmarks that `make bench` (`python -m benchmarks`) runs, in this order.

Each entry names a module under `benchmarks/` with a `run() -> list[Result]` function
(`benchmarks.support.Result`). A new benchmark adds its module name here; see README.md.
"""

BENCHMARKS: list[str] = [
    "benchmarks.http_throughput",
    "benchmarks.project_directory",
    "benchmarks.hub_search",
    "benchmarks.submissions",
    "benchmarks.map_aggregation",
    "benchmarks.consensus",
    "benchmarks.aggregation_accuracy",
    "benchmarks.next_subject",
    "benchmarks.personal_data_export",
    "benchmarks.impact_dashboard",
    "benchmarks.exports",
]

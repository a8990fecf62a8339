"""Run pyodk calls against a server and print their results as JSON: a program for pyodk's own
environment (tests/exports/pyodk_client.py builds it), not imported by the tests.

Reads from standard input `{"config_path", "cache_path", "calls": [{"name", "method",
"kwargs", "new_client"}]}`, where `method` is a pyodk client attribute path such as
`submissions.get_table`; `new_client` starts a fresh `Client` first, which finds the cached
session token and checks it with Central (`GET /v1/users/current`) instead of logging in again.
Prints `{name: {"value": …} or {"error": status, "message": …}}`.
"""

import json
import sys
from typing import Any

from pydantic import BaseModel
from pyodk.client import Client
from pyodk.errors import PyODKError


def plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def main() -> None:
    request = json.load(sys.stdin)
    answers: dict[str, Any] = {}
    client = None
    for call in request["calls"]:
        try:
            if client is None or call.get("new_client"):
                client = Client(
                    config_path=request["config_path"], cache_path=request["cache_path"]
                )
            target: Any = client
            for part in call["method"].split("."):
                target = getattr(target, part)
            answers[call["name"]] = {"value": plain(target(**call.get("kwargs", {})))}
        except PyODKError as error:
            response = error.args[1] if len(error.args) > 1 else None
            answers[call["name"]] = {
                "error": getattr(response, "status_code", None),
                "message": str(error.args[0])[:500],
            }
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()

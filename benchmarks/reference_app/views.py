"""The one view of the reference app (and its URLconf): store the request as one JSON row."""

import json
import uuid

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS reference_submission ("
    "id bigserial PRIMARY KEY, instance_id text NOT NULL UNIQUE, body jsonb NOT NULL)"
)
INSERT_SQL = (
    "INSERT INTO reference_submission (instance_id, body) VALUES (%s, %s) "
    "ON CONFLICT (instance_id) DO NOTHING"
)


@csrf_exempt
def store(request: HttpRequest, path: str = "") -> HttpResponse:
    if request.method != "POST":  # the health check of benchmarks.server
        return HttpResponse(status=200)
    document = {"path": request.path, "body": request.body.decode("utf-8", "replace")}
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, [f"uuid:{uuid.uuid4()}", json.dumps(document)])
    return HttpResponse(status=201)


urlpatterns = [re_path(r"^(?P<path>.*)$", store)]

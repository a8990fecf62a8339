"""Background jobs: the database backend by default, RQ on Redis when REDIS_URL is set."""

from cslab.settings.paths import env

_redis_url = env.str("REDIS_URL", default="")

if _redis_url:
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": _redis_url, "DEFAULT_TIMEOUT": 3600}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

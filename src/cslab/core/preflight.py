"""Checks run before a long-lived process starts, so bad configuration fails in one line."""

from django.conf import settings
from django.core.management.base import CommandError

from cslab.core.health import check_database


def ensure_services_reachable() -> None:
    """Raise CommandError naming the first unreachable service (database, Redis), or a database
    that still needs `cslab migrate`."""
    database = check_database()
    if not database.ok:
        raise CommandError(
            f"cannot reach the database ({settings.DATABASE_URL.split('@')[-1]}): {database.detail}"
        )
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
        except (redis.RedisError, OSError) as error:
            raise CommandError(f"cannot reach Redis at REDIS_URL: {error}") from None
    _ensure_migrated()


def _ensure_migrated() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise CommandError(
            f"the database has {len(pending)} unapplied migrations; run `cslab migrate` first"
        )

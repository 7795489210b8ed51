"""Creates, migrates and seeds the demo database on first use (idempotent).

Server workers start at the same time and each calls ensure_database(): a file
lock per database file makes them take turns, and each step checks before it
acts, so only the first does any work.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

log = logging.getLogger("demo.setup")


@contextmanager
def _locked(path: str):
    """An exclusive lock for one database file (the lock file lives in the temp dir)."""
    path = os.path.abspath(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    digest = hashlib.sha1(path.encode()).hexdigest()[:16]
    with open(os.path.join(tempfile.gettempdir(), "goaccel-demo-%s.lock" % digest), "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _needs_migration() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def ensure_database() -> bool:
    """Migrates and seeds if needed; returns True when it changed anything."""
    from catalog.models import Category
    from catalog.seed import seed

    name = str(settings.DATABASES["default"]["NAME"])
    changed = False
    with _locked(name):
        if _needs_migration():
            call_command("migrate", interactive=False, verbosity=0)
            changed = True
        if not Category.objects.exists():
            seed()
            changed = True
    if changed:
        log.info("demo database ready", extra={"database": name})
    return changed

"""Session fixtures: real PostgreSQL, Redis and NATS, started once per test session.

The embedded servers come from PyPI packages (see services/mesh/infra.py); setting
DATABASE_URL, REDIS_URL or NATS_URL points the tests at existing servers instead.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from services.mesh.infra import EmbeddedInfra, InfraUrls


@pytest.fixture(scope="session")
def infra() -> Iterator[InfraUrls]:
    """URLs of real PostgreSQL, Redis (database 0) and NATS JetStream servers."""
    data = Path(tempfile.mkdtemp(prefix="drishya-test-infra-"))
    servers = EmbeddedInfra(data, env=dict(os.environ))
    urls = servers.start()
    try:
        yield urls
    finally:
        servers.stop()


@pytest.fixture(scope="session")
def media_root() -> Path:
    """A shared media volume for the session (work files, published media)."""
    return Path(tempfile.mkdtemp(prefix="drishya-test-media-"))


@pytest.fixture(scope="session")
def make_database(infra: InfraUrls) -> Callable[[str], str]:
    """Factory: ``make_database(prefix)`` creates an empty database on the test server, returns its URL.

    For tests whose rows must not be seen by other tests' workers (job queues are shared otherwise).
    """
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    def make(prefix: str) -> str:
        url = make_url(infra.database_url)
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return url.set(database=name).render_as_string(hide_password=False)

    return make

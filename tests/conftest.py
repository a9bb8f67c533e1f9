"""Session fixtures: real PostgreSQL, Redis and NATS, started once per test session.

The embedded servers come from PyPI packages (see services/mesh/infra.py); setting
DATABASE_URL, REDIS_URL or NATS_URL points the tests at existing servers instead.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
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

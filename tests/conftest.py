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


class S3Server:
    """A moto S3 server (``ThreadedMotoServer``) on an ephemeral port.

    ``env(bucket, prefix)`` is the environment that points the media store at it
    (``DRISHYA_MEDIA_URL`` and the standard ``AWS_*`` variables); ``bucket()`` makes a fresh bucket.
    ``stop()`` and ``start()`` take it away and bring it back on the same port (an outage).
    """

    def __init__(self) -> None:
        import socket

        from moto.server import ThreadedMotoServer

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.aws_env = {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
        }

    def start(self) -> None:
        """Serve (again): moto keeps its buckets and objects in this process while stopped."""
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def client(self) -> object:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )

    def bucket(self, prefix: str = "media") -> str:
        """Create a new empty bucket; returns its name."""
        import uuid

        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)  # type: ignore[attr-defined]
        return name

    def env(self, bucket: str, prefix: str = "drishya") -> dict[str, str]:
        """The environment of a media store at ``s3://<bucket>/<prefix>`` on this server."""
        return {**self.aws_env, "DRISHYA_MEDIA_URL": f"s3://{bucket}/{prefix}"}


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """A real S3 API (moto's server mode) for the session, on an ephemeral port."""
    server = S3Server()
    server.start()
    try:
        yield server
    finally:
        server.stop()

"""Chaos: the object store goes away in the middle of a render and comes back; the job succeeds.

``drishya up`` (a subprocess) keeps its media in a bucket of moto's S3 server
(``DRISHYA_MEDIA_URL=s3://...``). At the job's first rendered shot the S3 server stops; the worker's
next upload of a checkpoint fails with UNAVAILABLE (``MEDIA_STORE_UNAVAILABLE``), the attempt is
retried after its backoff, and once the server is back the job resumes from the checkpoints in
the bucket and ends SUCCEEDED with every event in order.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from drishya.generation.v1 import generation_pb2 as gen_pb2
from tests.chaos.harness import HEADER, SupervisedMesh, run_fault
from tests.conftest import S3Server

pytestmark = pytest.mark.chaos

OUTAGE_S = 2.0


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    server = S3Server()  # its own server: this test stops and restarts it
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest_asyncio.fixture(scope="module")
async def supervised(s3: S3Server) -> AsyncIterator[SupervisedMesh]:
    bucket = s3.bucket("chaos")
    mesh = SupervisedMesh(Path(tempfile.mkdtemp(prefix="drishya-chaos-s3-")), extra_env=s3.env(bucket, "media"))
    await mesh.start()
    try:
        yield mesh
    finally:
        status, log = await mesh.stop(), mesh.log_text()
        shutil.rmtree(mesh.data_dir, ignore_errors=True)
        assert status == 0, log[-3000:]


async def test_object_store_outage_mid_render(supervised: SupervisedMesh, s3: S3Server) -> None:
    async def restore() -> None:
        await asyncio.sleep(OUTAGE_S)
        s3.start()

    r = await run_fault(supervised, f"S3 down {OUTAGE_S:.0f} s", s3.stop, after=restore)
    print(f"\n{HEADER}\n{r.line()}")
    assert r.final_state == gen_pb2.JOB_STATE_SUCCEEDED, r
    assert r.sequences == list(range(1, len(r.sequences) + 1)), r.sequences  # no gap, no duplicate
    assert any("UNAVAILABLE" in m for m in r.messages), r.messages  # the outage was felt, as UNAVAILABLE
    assert "attempt 2 started" in r.messages
    listed = s3.client().list_objects_v2(Bucket=_bucket_of(supervised))  # type: ignore[attr-defined]
    assert any(o["Key"].endswith("hls/master.m3u8") for o in listed.get("Contents", []))


def _bucket_of(mesh: SupervisedMesh) -> str:
    return mesh.extra_env["DRISHYA_MEDIA_URL"].removeprefix("s3://").split("/", 1)[0]

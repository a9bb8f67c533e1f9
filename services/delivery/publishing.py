"""Publishing a job's rendered video: validation, atomic packaging on the media volume, the record.

A delivery is built in a hidden temporary sibling directory ``<media_root>/jobs/.<job_id>.<rand>.tmp``
and moved into place with ``rename``, so ``jobs/<job_id>/`` is either absent, the previous
complete delivery, or the new complete one: a crash never leaves half a delivery behind (a
leftover ``.tmp`` or ``.old`` directory is swept at the next start). The database row is written
after the files are in place; publishing the same job again replaces both (idempotent).

With media in object storage (``DRISHYA_MEDIA_URL=s3://...``) there is no rename: the sources are
fetched to a scratch directory, packaged there, and every file is uploaded with the master playlist
last (a reader that finds it finds every segment it lists), then files of an earlier publication
that the new one lacks are removed, then the row is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from services.delivery import packaging
from services.delivery.model import Delivery, Rendition, job_prefix, parse_job_id
from services.mesh.errors import FailedPrecondition, FieldViolation, NotFound
from services.mesh.media_store import LocalMediaStore, MediaStore
from services.mesh.storage import resolve_media_path

log = logging.getLogger(__name__)

#: Leftover temporary directories older than this are removed at start-up, in seconds.
STALE_AFTER_S = 3600.0


def _unreadable(source_path: str, exc: Exception) -> FailedPrecondition:
    """``SOURCE_UNREADABLE``: the source at ``source_path`` does not decode (``exc`` says why)."""
    return FailedPrecondition(
        f"source {source_path!r} cannot be decoded: {exc}",
        reason="SOURCE_UNREADABLE",
        metadata={"source_path": source_path},
    )


class DeliveryRepository(Protocol):
    """Where deliveries are recorded (PostgreSQL in production: ``adapters.store.DeliveryStore``)."""

    async def upsert(self, delivery: Delivery) -> None: ...

    async def get(self, job_id: uuid.UUID) -> Delivery | None: ...


def publish_files(
    source: Path,
    media_root: Path,
    job_id: uuid.UUID,
    *,
    preset: str,
    rung_sources: Mapping[str, Path] | None = None,
) -> packaging.Packaged:
    """Copy ``source`` to ``jobs/<job_id>/video.mp4`` and package it there, atomically (blocking, CPU-heavy).

    ``rung_sources`` are lower renditions encoded with the source (see :func:`packaging.package`).

    Raises:
        packaging.SourceUnreadable: the source cannot be decoded; nothing is left behind.
    """
    jobs_dir = media_root / "jobs"
    jobs_dir.mkdir(parents=True, exist_ok=True)
    final = jobs_dir / str(job_id)
    tmp = Path(tempfile.mkdtemp(prefix=f".{job_id}.", suffix=".tmp", dir=jobs_dir))
    try:
        shutil.copyfile(source, tmp / "video.mp4")
        packaged = packaging.package(tmp / "video.mp4", tmp, preset=preset, rung_sources=rung_sources)
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700; published media is world-readable like its files
        if final.exists():
            old = jobs_dir / f".{job_id}.{uuid.uuid4().hex[:8]}.old"
            os.rename(final, old)
            os.rename(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return packaged


def sweep_stale(media_root: Path, *, older_than_s: float = STALE_AFTER_S) -> int:
    """Remove ``jobs/.*.tmp`` and ``jobs/.*.old`` directories older than ``older_than_s``; returns how many."""
    jobs_dir = media_root / "jobs"
    if not jobs_dir.is_dir():
        return 0
    removed = 0
    cutoff = time.time() - older_than_s
    for entry in jobs_dir.iterdir():
        leftover = entry.name.startswith(".") and entry.name.endswith((".tmp", ".old")) and entry.is_dir()
        if leftover and entry.stat().st_mtime < cutoff:
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed


@dataclass
class _JobLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class Publisher:
    """Publish and look up deliveries.

    Args:
        store: the delivery records.
        media_root: the shared media volume (sources inside it; deliveries under ``jobs/``).
        max_concurrent: packaging runs at once (each in a worker thread).
        preset: libx264 preset.
        clock: current UTC time (a seam for tests).
        media: the media store (default: the local directory ``media_root``); with object storage
            sources are keys in it and packaging happens in a scratch directory.
    """

    def __init__(
        self,
        store: DeliveryRepository,
        media_root: Path,
        *,
        max_concurrent: int = 1,
        preset: str = "veryfast",
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        media: MediaStore | None = None,
    ) -> None:
        self._store = store
        self._media_root = media_root.resolve()
        self._media = media if media is not None else LocalMediaStore(self._media_root)
        self._slots = asyncio.Semaphore(max_concurrent)
        self._locks: dict[uuid.UUID, _JobLock] = {}
        self._preset = preset
        self._clock = clock

    async def publish(
        self, job_id: str, source_path: str, rendition_sources: Sequence[tuple[str, str]] = ()
    ) -> Delivery:
        """Store and package a job's rendered video, record it, return the delivery.

        ``rendition_sources`` are (rung name, path) of lower renditions encoded in the same pass as
        the source; a rung that fits is segmented from its file without re-encoding.

        Takes about 0.35-0.5 s per second of 720p video on 2 cores, or 0.15-0.2 s when the top
        rendition is copied from an HLS-ready source such as the storyboard's MP4 (see
        :mod:`services.delivery.packaging`); the event loop keeps serving meanwhile.

        Raises:
            InvalidArgument: ``INVALID_JOB_ID``; ``EMPTY_PATH`` or ``PATH_OUTSIDE_MEDIA_ROOT`` for ``source_path``.
            FailedPrecondition: ``SOURCE_MISSING`` (no such file), ``SOURCE_UNREADABLE`` (it does not decode).
            MediaUnavailable: the object store did not answer (UNAVAILABLE: the caller retries).
        """
        job = parse_job_id(job_id)
        if self._media.local_root is None:
            return await self._publish_remote(job, source_path, rendition_sources)
        source = resolve_media_path(source_path, self._media_root, field="source_path")
        if not source.is_file():
            raise FailedPrecondition(
                f"source {source_path!r} does not exist",
                reason="SOURCE_MISSING",
                metadata={"source_path": source_path},
                violations=[FieldViolation("source_path", "must name an existing file")],
            )
        rungs: dict[str, Path] = {}
        for name, path in rendition_sources:
            rung = resolve_media_path(path, self._media_root, field="rendition_sources.path")
            if rung.is_file():  # a missing rendition is encoded from the source instead
                rungs[name] = rung
        async with self._job_lock(job), self._slots:
            started = time.monotonic()
            try:
                packaged = await asyncio.to_thread(
                    publish_files, source, self._media_root, job, preset=self._preset, rung_sources=rungs
                )
            except packaging.SourceUnreadable as exc:
                raise _unreadable(source_path, exc) from exc
            log.info("published %s (%d ms of video) in %.1f s", job, packaged.duration_ms, time.monotonic() - started)
            delivery = self._delivery(job, packaged, (self._media_root / job_prefix(job) / "video.mp4").stat().st_size)
            await self._store.upsert(delivery)
        return delivery

    async def _publish_remote(
        self, job: uuid.UUID, source_path: str, rendition_sources: Sequence[tuple[str, str]]
    ) -> Delivery:
        """:meth:`publish` with media in object storage: fetch, package in scratch, upload, record."""
        media = self._media
        source_key = media.key_of(source_path, field="source_path")
        if await asyncio.to_thread(media.size, source_key) is None:
            raise FailedPrecondition(
                f"source {source_path!r} does not exist",
                reason="SOURCE_MISSING",
                metadata={"source_path": source_path},
                violations=[FieldViolation("source_path", "must name an existing file")],
            )
        rung_keys = {name: media.key_of(path, field="rendition_sources.path") for name, path in rendition_sources}
        prefix = job_prefix(job)
        async with self._job_lock(job), self._slots:
            started = time.monotonic()
            with tempfile.TemporaryDirectory(prefix=f"drishya-publish-{job}-") as scratch:
                out, inputs = Path(scratch) / "out", Path(scratch) / "in"
                out.mkdir()
                await asyncio.to_thread(media.get_file, source_key, out / "video.mp4")
                rungs: dict[str, Path] = {}
                for name, key in rung_keys.items():
                    if await asyncio.to_thread(media.exists, key):  # a missing rendition is encoded instead
                        rungs[name] = await asyncio.to_thread(media.get_file, key, inputs / f"{name}.mp4")
                try:
                    packaged = await asyncio.to_thread(
                        packaging.package, out / "video.mp4", out, preset=self._preset, rung_sources=rungs
                    )
                except packaging.SourceUnreadable as exc:
                    raise _unreadable(source_path, exc) from exc
                size = (out / "video.mp4").stat().st_size
                before = set(await asyncio.to_thread(media.list_keys, prefix))
                written = await asyncio.to_thread(media.put_tree, out, prefix, last=[packaged.master_playlist])
                stale = sorted(before - set(written))
                for key in stale:  # an earlier publication's files the new one lacks
                    await asyncio.to_thread(media.delete, key)
            log.info("published %s (%d ms of video) in %.1f s", job, packaged.duration_ms, time.monotonic() - started)
            delivery = self._delivery(job, packaged, size)
            await self._store.upsert(delivery)
        return delivery

    @contextlib.asynccontextmanager
    async def _job_lock(self, job: uuid.UUID) -> AsyncIterator[None]:
        """Serialize publications of one job (its directory swap and row), forgetting idle jobs."""
        entry = self._locks.setdefault(job, _JobLock())
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._locks[job]

    async def get(self, job_id: str) -> Delivery:
        """The delivery of ``job_id``.

        Raises:
            InvalidArgument: ``INVALID_JOB_ID``.
            NotFound: ``DELIVERY_NOT_FOUND`` when the job was never published.
        """
        job = parse_job_id(job_id)
        delivery = await self._store.get(job)
        if delivery is None:
            raise NotFound(f"job {job} has no delivery", reason="DELIVERY_NOT_FOUND", metadata={"job_id": str(job)})
        return delivery

    def _delivery(self, job: uuid.UUID, packaged: packaging.Packaged, mp4_size_bytes: int) -> Delivery:
        prefix = job_prefix(job)
        mp4_key = f"{prefix}/video.mp4"
        return Delivery(
            job_id=job,
            mp4_key=mp4_key,
            hls_master_key=f"{prefix}/{packaged.master_playlist}",
            poster_key=f"{prefix}/{packaged.poster}",
            thumbnail_keys=tuple(f"{prefix}/{t}" for t in packaged.thumbnails),
            renditions=tuple(
                Rendition(
                    name=r.name,
                    width=r.width,
                    height=r.height,
                    bandwidth_bps=r.bandwidth_bps,
                    playlist_key=f"{prefix}/{r.playlist}",
                    segment_count=r.segment_count,
                )
                for r in packaged.renditions
            ),
            duration_ms=packaged.duration_ms,
            mp4_size_bytes=mp4_size_bytes,
            publish_time=self._clock(),
        )

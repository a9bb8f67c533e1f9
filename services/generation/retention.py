"""Retention policy (pure): which jobs' media to delete or trim, which stories to archive, and how.

Storage must not grow forever (issue 18). The sweeper
(:mod:`services.generation.adapters.retention_sweeper`) reads facts about jobs and media keys and
asks this module what to do; every number is a field of :class:`RetentionPolicy`, read from the
environment by :class:`services.generation.config.GenerationConfig`:

- **Failed media**, ``failed_days`` (``DRISHYA_RETENTION_FAILED_DAYS``, default 7): the published
  media (``jobs/<id>/``) and any work files left (``work/<id>/``) of a job that ended FAILED,
  DEAD_LETTER, CANCELLED or BLOCKED are deleted once its row has not changed for that long
  (``updated_at`` older than ``now - failed_days``). Seven days leave an owner a week to look at a
  failure, retry it or appeal a block (an appeal is a pending review, which protects the job).
- **Orphaned media**, same ``failed_days``: a directory ``jobs/<id>/`` whose ``<id>`` names no job row
  (its job was removed, or the media were written by a run whose row never committed) is deleted
  when its newest object was written more than ``failed_days`` ago, so a publication in flight is
  never mistaken for an orphan. Names that are not UUIDs (e.g. delivery's ``.<id>.<rand>.tmp``
  staging directories, which the delivery service sweeps itself) are not orphans.
- **Trim**, ``trim_days`` (``DRISHYA_RETENTION_TRIM_DAYS``, default 180): SUCCEEDED content whose row
  has not changed for that long keeps only the ``keep_rendition`` (``720p``) HLS rendition: the
  other renditions' files (``hls/<name>/...``) are deleted and the master playlist
  ``hls/master.m3u8`` is rewritten to list 720p alone; the MP4, poster and thumbnails stay.
  A master without a 720p variant (a source smaller than 720p) keeps its first, highest variant.
- **Archive** (the story service's own pass, :meth:`services.story.adapters.store.StoryStore.archive_inactive`,
  configured there by ``DRISHYA_RETENTION_ARCHIVE_DAYS``, default 90): a story not changed for that
  long is archived (read-only until forked or deleted).
- **Never touched**: a job IN_REVIEW (state 8), a job with a pending review (an appeal or a report
  in the queue), a job taken down by an operator (its record stays; its media are already gone)
  and a job already acted on (``media_deleted_at`` / ``media_trimmed_at`` set), so sweeping is
  idempotent.

The sweeper runs every ``interval_s`` (``DRISHYA_RETENTION_INTERVAL_S``, default 3600 s: deletion
a few hours late costs nothing) and reads jobs ``batch_size`` at a time
(``DRISHYA_RETENTION_BATCH``, default 500 rows per transaction, short enough that row locks are
held for milliseconds on a local store).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.delivery import hls

#: Job states (drishya.generation.v1.JobState) whose media are deleted after ``failed_days``:
#: BLOCKED 4, CANCELLED 5, FAILED 6, DEAD_LETTER 7.
FAILED_STATES = frozenset({4, 5, 6, 7})
#: JOB_STATE_SUCCEEDED: its media are trimmed after ``trim_days``.
SUCCEEDED = 3
#: JOB_STATE_IN_REVIEW: never touched.
IN_REVIEW = 8
#: Seconds in a day.
DAY_S = 86_400


@dataclass(frozen=True)
class RetentionPolicy:
    """The retention numbers (see the module docstring for each one's meaning and source)."""

    failed_days: float = 7.0
    trim_days: float = 180.0
    interval_s: float = 3600.0
    batch_size: int = 500
    keep_rendition: str = "720p"

    def __post_init__(self) -> None:
        if min(self.failed_days, self.trim_days) <= 0 or self.interval_s <= 0:
            raise ValueError("retention ages and the interval must be positive")
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")

    def failed_cutoff(self, now: dt.datetime) -> dt.datetime:
        """Failed jobs last updated before this, and orphans last written before it, lose their media."""
        return now - dt.timedelta(days=self.failed_days)

    def trim_cutoff(self, now: dt.datetime) -> dt.datetime:
        """SUCCEEDED jobs last updated before this keep only ``keep_rendition``."""
        return now - dt.timedelta(days=self.trim_days)

    def scan_cutoff(self, now: dt.datetime) -> dt.datetime:
        """The latest ``updated_at`` any job action applies to (the sweeper scans rows before it)."""
        return max(self.failed_cutoff(now), self.trim_cutoff(now))


class Action(enum.Enum):
    """What the sweeper does to one job."""

    NONE = "none"
    DELETE_MEDIA = "delete_media"
    TRIM = "trim"


@dataclass(frozen=True)
class JobFacts:
    """What the policy needs to know about one job (read by the sweeper from ``generation.jobs``)."""

    job_id: uuid.UUID
    state: int
    updated_at: dt.datetime
    pending_review: bool = False
    taken_down: bool = False
    media_deleted: bool = False
    media_trimmed: bool = False


def is_protected(job: JobFacts) -> bool:
    """Whether retention must leave ``job`` alone: in review, with a pending review, or taken down."""
    return job.state == IN_REVIEW or job.pending_review or job.taken_down


def decide(job: JobFacts, now: dt.datetime, policy: RetentionPolicy) -> Action:
    """The action for ``job`` at ``now`` (see the module docstring for the rules)."""
    if is_protected(job) or job.media_deleted:
        return Action.NONE
    if job.state in FAILED_STATES and job.updated_at < policy.failed_cutoff(now):
        return Action.DELETE_MEDIA
    if job.state == SUCCEEDED and not job.media_trimmed and job.updated_at < policy.trim_cutoff(now):
        return Action.TRIM
    return Action.NONE


def job_prefixes(job_id: uuid.UUID) -> tuple[str, str]:
    """The media-store prefixes of one job: published media ``jobs/<id>`` and work files ``work/<id>``."""
    return f"jobs/{job_id}", f"work/{job_id}"


def orphan_ids(names: Iterable[str]) -> list[uuid.UUID]:
    """The job ids among directory ``names`` under ``jobs/`` (names that are canonical UUIDs), sorted."""
    ids: set[uuid.UUID] = set()
    for name in names:
        try:
            parsed = uuid.UUID(name)
        except ValueError:
            continue
        if str(parsed) == name:
            ids.add(parsed)
    return sorted(ids)


def is_stale_orphan(newest_write: dt.datetime | None, now: dt.datetime, policy: RetentionPolicy) -> bool:
    """Whether an orphaned directory whose newest object was written at ``newest_write`` is deleted
    (None: the directory is empty or gone, nothing to delete)."""
    return newest_write is not None and newest_write < policy.failed_cutoff(now)


@dataclass(frozen=True)
class TrimPlan:
    """How to trim one job's HLS ladder: the keys to delete, the new master playlist (None: leave it)."""

    kept: str
    removed_renditions: tuple[str, ...]
    delete_keys: tuple[str, ...]
    master: str | None


def plan_trim(job_id: uuid.UUID, master_text: str | None, keys: Sequence[str], keep: str = "720p") -> TrimPlan:
    """Plan trimming the published media of ``job_id`` to the ``keep`` rendition.

    Args:
        master_text: the current ``jobs/<id>/hls/master.m3u8`` (None when absent).
        keys: every key under ``jobs/<id>/``.
        keep: the rendition kept; when the master lists no variant whose URI is ``<keep>/...``, the
            first (highest) variant is kept instead.

    Returns a plan deleting every ``jobs/<id>/hls/<other>/`` key and rewriting the master to list only
    the kept variant (its attribute line copied verbatim). A master already listing one variant and
    no other rendition's files yields an empty plan with ``master`` None. Without a master nothing is
    deleted (the layout is not the published one, so nothing is assumed about it).
    """
    prefix = f"jobs/{job_id}/hls/"
    if master_text is None:
        return TrimPlan(kept="", removed_renditions=(), delete_keys=(), master=None)
    variants = hls.parse_master_playlist(master_text)
    names = [v["URI"].split("/", 1)[0] for v in variants if "/" in v["URI"]]
    kept = keep if keep in names else (names[0] if names else keep)
    on_disk = {k[len(prefix) :].split("/", 1)[0] for k in keys if k.startswith(prefix) and "/" in k[len(prefix) :]}
    removed = tuple(sorted((set(names) | on_disk) - {kept}))
    delete = tuple(sorted(k for k in keys if k.startswith(prefix) and k[len(prefix) :].split("/", 1)[0] in removed))
    master = _master_keeping(master_text, kept) if len(names) > 1 or kept not in names else None
    if master == master_text:
        master = None
    return TrimPlan(kept=kept, removed_renditions=removed, delete_keys=delete, master=master)


def _master_keeping(text: str, kept: str) -> str:
    """``text`` with every ``EXT-X-STREAM-INF`` entry but those whose URI is under ``kept/`` removed;
    other tags (``#EXTM3U``, ``#EXT-X-VERSION``, ``#EXT-X-INDEPENDENT-SEGMENTS``) are kept in order."""
    out: list[str] = []
    pending: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#EXT-X-STREAM-INF:"):
            pending = raw
        elif pending is not None and line and not line.startswith("#"):
            if line.split("/", 1)[0] == kept:
                out.extend([pending, raw])
            pending = None
        elif line:
            out.append(raw)
    return "\n".join(out) + "\n"


@dataclass
class SweepCounts:
    """What one sweep did (returned by the sweeper and logged)."""

    scanned: int = 0
    media_deleted: int = 0
    trimmed: int = 0
    orphans_deleted: int = 0
    files_deleted: int = 0
    skipped_protected: int = 0
    led: bool = True

    def as_dict(self) -> dict[str, int | bool]:
        """The counts as a plain dict (for logs and benchmarks)."""
        return dict(self.__dict__)

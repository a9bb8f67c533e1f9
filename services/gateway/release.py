"""Whether a job's media may be served under an ordinary signed URL: released, not in review, not
taken down.

The generation service decides (``GetReleaseStates``); the gateway remembers each answer for
``ttl_s`` seconds (2 by default), so the segments of one HLS playback cost one call per job every
two seconds, and a video put back in review stops playing within that time (at once on the
replica that made the decision, which forgets its answer). Keys outside
``jobs/<job_id>/`` (a story's own playlists and chapters) are not jobs' media and need no check;
the segments a story's playlists reach are under ``jobs/`` and are checked like any other.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import PurePosixPath


def job_of(key: str) -> str | None:
    """The job id a media key belongs to (``jobs/<uuid>/...``), or None for any other key."""
    parts = PurePosixPath(key).parts
    if len(parts) < 3 or parts[0] != "jobs":
        return None
    try:
        return str(uuid.UUID(parts[1]))
    except ValueError:
        return None


class ReleaseCache:
    """Recent answers of ``GetReleaseStates``, at most ``size`` jobs (least recently used dropped)."""

    def __init__(self, ttl_s: float = 2.0, size: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.size = size
        self._entries: OrderedDict[str, tuple[bool, float]] = OrderedDict()

    async def released(self, job_id: str, fetch: Callable[[str], Awaitable[bool]]) -> bool:
        """Whether ``job_id``'s media are released; ``fetch`` asks the generation service (and may
        raise, for example when it is unavailable: nothing is cached then)."""
        now = time.monotonic()
        entry = self._entries.get(job_id)
        if entry is not None and entry[1] > now:
            self._entries.move_to_end(job_id)
            return entry[0]
        answer = await fetch(job_id)
        self._entries[job_id] = (answer, now + self.ttl_s)
        self._entries.move_to_end(job_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return answer

    def forget(self, job_id: str) -> None:
        """Drop what is known of ``job_id`` (this replica just changed it); other replicas learn
        within ``ttl_s``."""
        self._entries.pop(job_id, None)

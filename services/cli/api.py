"""The gateway's HTTP API as the ``drishya`` command uses it: JSON requests and job event streams.

Every failure becomes a :class:`services.cli.outcomes.CliError` with the exit status it means:
an HTTP problem answer keeps its ``reason``; a refused connection, a timeout or a broken stream is
:attr:`Exit.UNREACHABLE` with one line naming the URL.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import aconnect_sse

from services.cli.outcomes import TERMINAL, CliError, Exit, exit_for_http


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise CliError(f"{name} must be a number of seconds, not {raw!r}", Exit.USAGE) from None
    if value <= 0:
        raise CliError(f"{name} must be positive", Exit.USAGE)
    return value


@dataclass(frozen=True)
class Timeouts:
    """Per-operation limits of one HTTP exchange, in seconds; following a job has no total limit.

    Attributes:
        connect_s: to open a connection (``DRISHYA_CLI_CONNECT_TIMEOUT_S``, 10).
        read_s: the longest silence on a response (``DRISHYA_CLI_READ_TIMEOUT_S``, 60; the gateway
            sends an SSE keep-alive every 15 s, so a silent stream is a dead one).
        reconnect_for_s: how long a job's event stream may stay unreachable before giving up
            (``DRISHYA_CLI_RECONNECT_FOR_S``, 300); each successful connection resets it.
    """

    connect_s: float = 10.0
    read_s: float = 60.0
    reconnect_for_s: float = 300.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Timeouts:
        """Read the variables above; raises :class:`CliError` (USAGE) on a bad value."""
        e = os.environ if env is None else env
        return cls(
            connect_s=_seconds(e, "DRISHYA_CLI_CONNECT_TIMEOUT_S", 10.0),
            read_s=_seconds(e, "DRISHYA_CLI_READ_TIMEOUT_S", 60.0),
            reconnect_for_s=_seconds(e, "DRISHYA_CLI_RECONNECT_FOR_S", 300.0),
        )


def problem_error(r: httpx.Response) -> CliError:
    """The :class:`CliError` of an HTTP error answer: its problem body's ``reason`` and ``detail``
    (with the field ``violations``, when there are any), its exit status from the HTTP status."""
    try:
        body: Any = r.json()
    except ValueError:
        body = {"detail": r.text[:300]}
    if not isinstance(body, dict):
        body = {"detail": str(body)[:300]}
    reason = str(body.get("reason", "") or "")
    detail = str(body.get("detail", "") or body.get("title", "") or r.reason_phrase)
    head = f"{r.status_code} {reason}".strip()
    violations = body.get("violations") or []
    if isinstance(violations, list) and violations:
        detail += " (" + "; ".join(f"{v.get('field', '')}: {v.get('description', '')}" for v in violations[:5]) + ")"
    return CliError(f"{head}: {detail}", exit_for_http(r.status_code), reason=reason, status=r.status_code, body=body)


class _StreamProblem(Exception):
    """An ``event: problem`` in a job's event stream (its data is a problem body)."""

    def error(self) -> CliError:
        """The problem as a :class:`CliError` (an unreadable body counts as HTTP 503)."""
        try:
            body = json.loads(str(self.args[0]))
        except (json.JSONDecodeError, IndexError):
            body = {}
        if not isinstance(body, dict):
            body = {}
        status = int(body.get("status", 503) or 503)
        reason = str(body.get("reason", "") or "")
        text = f"{status} {reason}: {body.get('detail', 'the event stream failed')}"
        return CliError(text, exit_for_http(status), reason=reason, status=status, body=body)


@dataclass
class Api:
    """An authenticated client of the gateway at ``url`` (``http://host:port``, no trailing slash).

    Use as an async context manager. Methods raise :class:`CliError`.
    """

    url: str
    key: str
    timeouts: Timeouts = field(default_factory=Timeouts)
    _client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Api:
        t = self.timeouts
        self._client = httpx.AsyncClient(
            base_url=self.url,
            timeout=httpx.Timeout(t.read_s, connect=t.connect_s),
            headers={"Authorization": f"Bearer {self.key}"} if self.key else {},
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @property
    def client(self) -> httpx.AsyncClient:
        """The underlying client (inside ``async with`` only)."""
        assert self._client is not None, "use Api inside `async with`"
        return self._client

    def unreachable(self, exc: Exception) -> CliError:
        """The one-line error of a transport failure."""
        what = type(exc).__name__
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else what
        return CliError(f"cannot reach the gateway at {self.url}: {text}", Exit.UNREACHABLE, reason=what)

    async def request(
        self, method: str, path: str, *, ok: tuple[int, ...] = (200, 201, 204), **kwargs: Any
    ) -> httpx.Response:
        """One request; an answer outside ``ok`` becomes its problem's :class:`CliError`."""
        try:
            r = await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise self.unreachable(exc) from None
        if r.status_code not in ok:
            raise problem_error(r)
        return r

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON body of a successful request (``{}`` for 204)."""
        r = await self.request(method, path, **kwargs)
        return {} if r.status_code == 204 or not r.content else r.json()

    async def download(self, url: str, out: Path) -> int:
        """Save ``url`` (absolute or a path of the gateway) to ``out``; returns its size in bytes."""
        out.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        try:
            async with self.client.stream("GET", url) as media:
                if media.status_code != 200:
                    await media.aread()
                    raise problem_error(media)
                with out.open("wb") as f:
                    async for chunk in media.aiter_bytes():
                        f.write(chunk)
                        size += len(chunk)
        except httpx.HTTPError as exc:
            out.unlink(missing_ok=True)
            raise self.unreachable(exc) from None
        return size

    async def _ended(self, job_id: str, seen: int) -> bool:
        """Whether ``job_id`` is in a terminal state with no event after sequence ``seen``."""
        job = await self.json("GET", f"/v1/jobs/{job_id}")
        return job.get("state") in TERMINAL and int(job.get("last_event_sequence", 0) or 0) <= seen

    async def job_events(
        self,
        job_id: str,
        *,
        after: int = 0,
        on_reconnect: Callable[[int, float], None] | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        """Yield ``(event type, JobEvent JSON)`` of ``job_id`` after sequence ``after`` until its
        terminal ``state_changed`` event (the job's last: a retried job's history holds earlier ones),
        reconnecting with ``Last-Event-ID`` when the stream ends early, breaks or stays silent past
        the read timeout.

        Reconnection waits 0.5 s, doubling up to 10 s, and starts over after an event arrives;
        ``on_reconnect(attempt, delay_s)`` is told before each wait. There is no limit on the
        job's total duration; only :attr:`Timeouts.reconnect_for_s` of continuous failure to
        connect ends it (UNREACHABLE), and so does as long a run of ``event: problem`` answers
        with a 5xx or 429 status and no event between them; a problem with another status raises
        its :class:`CliError`. A 204 answer (the job ended and every event was seen) ends it too.
        HTTP 4xx answers raise their :class:`CliError` at once.
        """
        last = after
        failures = 0
        loop = asyncio.get_running_loop()
        failing_since: float | None = None  # first failure to connect of the current run
        problem_since: float | None = None  # first problem event since the last job event
        while True:
            headers = {"Last-Event-ID": str(last)} if last else {}
            try:
                async with aconnect_sse(self.client, "GET", f"/v1/jobs/{job_id}/events", headers=headers) as sse:
                    r = sse.response
                    if r.status_code == 204:
                        return
                    if r.status_code != 200:
                        await r.aread()
                        err = problem_error(r)
                        if err.code != Exit.UNREACHABLE:
                            raise err
                        raise httpx.RemoteProtocolError(str(err))
                    failing_since = None
                    async for ev in sse.aiter_sse():
                        if not ev.data:
                            continue  # a retry: hint, not an event
                        if ev.event == "problem":
                            raise _StreamProblem(ev.data)
                        data = json.loads(ev.data)
                        if ev.id and ev.id.isdigit():
                            last = max(last, int(ev.id))
                        failures = 0
                        problem_since = None
                        yield ev.event, data
                        if (
                            ev.event == "state_changed"
                            and data.get("state") in TERMINAL
                            and await self._ended(job_id, last)
                        ):
                            return
            except _StreamProblem as problem:
                err = problem.error()
                if err.code != Exit.UNREACHABLE and err.status != 429:
                    raise err from None
                now = loop.time()  # the gateway lost its upstream for a while: reconnect
                problem_since = now if problem_since is None else problem_since
                if now - problem_since > self.timeouts.reconnect_for_s:
                    raise err from None
            except (httpx.HTTPError, json.JSONDecodeError) as exc:
                now = loop.time()
                failing_since = now if failing_since is None else failing_since
                if now - failing_since > self.timeouts.reconnect_for_s:
                    raise self.unreachable(exc) from None
            failures += 1
            delay = min(10.0, 0.5 * 2 ** min(failures - 1, 5))
            if on_reconnect is not None:
                on_reconnect(failures, delay)
            await sleep(delay)

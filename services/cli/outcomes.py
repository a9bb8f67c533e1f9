"""Exit statuses of the ``drishya`` command, and how HTTP answers and job states map onto them.

Every command ends with one of these, so scripts can tell outcomes apart without parsing text::

    0    OK            the command did what was asked (for a job: it SUCCEEDED)
    1    REFUSED       the service refused the request as given (HTTP 400, 402, 409, 413, 415, 422,
                       428, 429: validation, budget, conflict, rate limit), or a local input was unusable
    2    USAGE         the command line itself is wrong (argparse)
    3    FAILED        the job FAILED or went to DEAD_LETTER
    4    BLOCKED       moderation BLOCKED the job
    5    CANCELLED     the job was CANCELLED
    6    UNREACHABLE   no answer from the gateway or database (connection refused, timeout, HTTP 5xx)
    7    UNAUTHORISED  no API key, or the key is unknown, revoked or not allowed (HTTP 401, 403)
    8    NOT_FOUND     no such job, story, scene or key for this caller (HTTP 404)
    130  INTERRUPTED   Ctrl-C
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class Exit(IntEnum):
    """The command's exit statuses (see the module docstring)."""

    OK = 0
    REFUSED = 1
    USAGE = 2
    FAILED = 3
    BLOCKED = 4
    CANCELLED = 5
    UNREACHABLE = 6
    UNAUTHORISED = 7
    NOT_FOUND = 8
    IN_REVIEW = 9
    INTERRUPTED = 130


#: For ``--help``: one line per status.
EPILOG = "exit status:\n" + "\n".join(
    f"  {code.value:>3}  {text}"
    for code, text in (
        (Exit.OK, "succeeded"),
        (Exit.REFUSED, "refused input (HTTP 4xx validation, conflict, budget, rate limit)"),
        (Exit.USAGE, "bad command line"),
        (Exit.FAILED, "job failed or dead-lettered"),
        (Exit.BLOCKED, "job blocked by moderation"),
        (Exit.CANCELLED, "job cancelled"),
        (Exit.UNREACHABLE, "gateway or database unreachable (or HTTP 5xx)"),
        (Exit.UNAUTHORISED, "no or bad API key (HTTP 401/403)"),
        (Exit.NOT_FOUND, "not found (HTTP 404)"),
        (Exit.IN_REVIEW, "video made and held for review before release"),
        (Exit.INTERRUPTED, "interrupted"),
    )
)

#: Terminal job states (the gateway's JSON names).
TERMINAL = frozenset(
    {
        "JOB_STATE_SUCCEEDED",
        "JOB_STATE_BLOCKED",
        "JOB_STATE_CANCELLED",
        "JOB_STATE_FAILED",
        "JOB_STATE_DEAD_LETTER",
        "JOB_STATE_IN_REVIEW",
    }
)

_STATE_EXITS = {
    "JOB_STATE_SUCCEEDED": Exit.OK,
    "JOB_STATE_FAILED": Exit.FAILED,
    "JOB_STATE_DEAD_LETTER": Exit.FAILED,
    "JOB_STATE_BLOCKED": Exit.BLOCKED,
    "JOB_STATE_CANCELLED": Exit.CANCELLED,
    "JOB_STATE_IN_REVIEW": Exit.IN_REVIEW,
}


def exit_for_state(state: str) -> Exit:
    """The exit status of a job in ``state`` (a ``JOB_STATE_*`` name); OK for one still queued or running."""
    return _STATE_EXITS.get(state, Exit.OK)


def exit_for_http(status: int) -> Exit:
    """The exit status of an HTTP error answer ``status`` (>= 400)."""
    if status in (401, 403):
        return Exit.UNAUTHORISED
    if status == 404:
        return Exit.NOT_FOUND
    if status >= 500:
        return Exit.UNREACHABLE
    return Exit.REFUSED


class CliError(Exception):
    """A failure to report on one line of standard error, ending the command with :attr:`code`.

    Attributes:
        code: the exit status.
        reason: an ``UPPER_SNAKE`` reason when the service gave one (else "").
        status: the HTTP status when the failure is an HTTP answer (else 0).
        body: the problem body the service sent, if any.
    """

    def __init__(
        self, message: str, code: Exit = Exit.REFUSED, *, reason: str = "", status: int = 0, body: Any = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.status = status
        self.body = body

    def as_json(self) -> dict[str, Any]:
        """``{"exit_code": int, "error": {"reason", "message", "status"}}`` for ``--json`` output
        (``status`` is the HTTP status, 0 when there was no answer)."""
        return {
            "exit_code": int(self.code),
            "error": {"reason": self.reason, "message": str(self), "status": self.status},
        }


def error_reason(job: dict[str, Any]) -> tuple[str, str]:
    """``(reason, message)`` of a job that did not succeed, from its ``error`` (a google.rpc.Status
    in JSON, whose ErrorInfo detail carries the reason) or its moderation ``block_reasons``."""
    err = job.get("error") or {}
    if err:
        reason = next(
            (str(d.get("reason", "")) for d in err.get("details", []) if str(d.get("@type", "")).endswith("ErrorInfo")),
            "",
        )
        return reason, str(err.get("message", ""))
    if job.get("state") == "JOB_STATE_IN_REVIEW":
        review = job.get("review") or {}
        return "IN_REVIEW", str(review.get("reason") or "held for review before release")
    blocks = job.get("block_reasons") or []
    if blocks:
        reason = str(blocks[0].get("category", "")).removeprefix("REASON_CATEGORY_")
        return reason, "; ".join(str(b.get("message", "")) for b in blocks)
    return "", ""

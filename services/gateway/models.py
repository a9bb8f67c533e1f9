"""Request bodies (validated strictly) and response schemas (for the OpenAPI document).

Responses are rendered from protobuf by :mod:`services.gateway.views`; the response models here
only describe them in ``/openapi.json`` and mirror ``drishya.generation.v1`` field by field.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# --- requests ---------------------------------------------------------------------------------

#: Longest scene text, in characters (the generation service's limit).
MAX_TEXT_CHARS = 2000

LanguageCode = Literal["en", "hi", "te", "ta", "bn", "gu", "mr", "kn", "ml", "or", "pa"]

#: Characters that are neither control characters (Cc, except tab, LF, CR) nor whitespace as
#: Python's ``str.strip`` sees it; the text must start and end (after optional tab/CR/LF/space)
#: with one, and hold at least 10 characters from the first to the last. Written without ``\s``
#: so ECMA-262 (OpenAPI) and Python's ``re`` read it alike.
_EDGE = "[^\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
_BODY = "[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]"
TEXT_PATTERN = f"^[ \\t\\r\\n]*{_EDGE}{_BODY}{{8,}}{_EDGE}[ \\t\\r\\n]*$"


class CreateJobOptions(BaseModel):
    """The caller's choices for a job; every field is optional. Unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", strict=True)

    language_code: LanguageCode | None = Field(
        default=None, description="ISO 639-1 language of the text; detected when absent."
    )
    disable_narration: bool | None = Field(default=None, description="Disable spoken narration.")
    disable_subtitles: bool | None = Field(default=None, description="Disable burnt-in subtitles.")
    priority: int | None = Field(
        default=None,
        ge=0,
        le=9,
        description="Priority from 0 (lowest) to 9 (highest); the key's plan sets it"
        " (free 2, pro 5, enterprise 7) and a lower value here lowers it, a higher one is ignored.",
    )
    provider: Literal["storyboard", "comfyui", "gemini"] | None = Field(
        default=None,
        description='Render provider; "storyboard" when absent. Shots fall back along the deployment\'s'
        " chain, the storyboard last.",
    )
    budget_policy: Literal["refuse", "fallback"] | None = Field(
        default=None,
        description="When the job's estimated cost would pass the key's monthly budget: refuse it (402,"
        ' reason BUDGET_EXCEEDED) or render it with the storyboard; "refuse" when absent.',
    )

    @field_validator("priority", mode="before")
    @classmethod
    def _integral_priority(cls, value: Any) -> Any:
        """JSON Schema's ``integer`` includes ``9.0``; ``true`` is not a number."""
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value


class CreateJobRequest(BaseModel):
    """A new job: the scene text and options. Unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: str = Field(
        ...,
        max_length=MAX_TEXT_CHARS,
        pattern=TEXT_PATTERN,
        description="The scene, in an Indian language or English: at most 2000 characters, at least 10 "
        "once surrounding whitespace is removed, no control characters other than tab, CR and LF. "
        "Whether the language is supported is decided from the text itself (400 UNSUPPORTED_LANGUAGE).",
        examples=["ek ladki baarish mein naach rahi hai, shaam ka samay, gaon ki galiyan"],
    )
    options: CreateJobOptions = Field(default_factory=lambda: CreateJobOptions(), description="Optional choices.")


# --- responses (documentation only) -----------------------------------------------------------

JobStateName = Literal[
    "JOB_STATE_UNSPECIFIED",
    "JOB_STATE_QUEUED",
    "JOB_STATE_RUNNING",
    "JOB_STATE_SUCCEEDED",
    "JOB_STATE_BLOCKED",
    "JOB_STATE_CANCELLED",
    "JOB_STATE_FAILED",
    "JOB_STATE_DEAD_LETTER",
    "JOB_STATE_IN_REVIEW",
]
StageName = Literal[
    "STAGE_UNSPECIFIED",
    "STAGE_MODERATE_TEXT",
    "STAGE_DETECT_LANGUAGE",
    "STAGE_TRANSLATE",
    "STAGE_ANALYZE",
    "STAGE_BUILD_PROMPT",
    "STAGE_RENDER",
    "STAGE_ASSEMBLE",
    "STAGE_MODERATE_VIDEO",
    "STAGE_PUBLISH",
]


class JobOptions(BaseModel):
    """Options as given (defaults printed)."""

    language_code: str = ""
    disable_narration: bool = False
    disable_subtitles: bool = False
    priority: int = 5
    provider: str = ""
    budget_policy: str = "BUDGET_POLICY_UNSPECIFIED"
    over_budget: bool = False


class JobResult(BaseModel):
    """What a succeeded job delivered: object keys and absolute URLs under ``/v1/media/``."""

    mp4_key: str
    hls_master_key: str
    poster_key: str
    duration_ms: int = Field(description="Duration of the video, in milliseconds.")
    mp4_url: str = Field(description="Absolute URL of the MP4 (H.264 + AAC).")
    hls_master_url: str = Field(description="Absolute URL of the HLS master playlist.")
    poster_url: str = Field(description="Absolute URL of the poster JPEG.")


class RpcStatus(BaseModel):
    """A ``google.rpc.Status``: gRPC code number, message, typed details (``@type`` URLs)."""

    code: int = 0
    message: str = ""
    details: list[dict[str, Any]] = []


class PixelBox(BaseModel):
    """A rectangle in pixels of the 1280x720 frame, origin at the top left."""

    x: int = 0
    y: int = 0
    width: int = 0
    height: int = 0


class RenderElement(BaseModel):
    """One thing a shot shows (the render manifest)."""

    concept_id: str = Field(description='The vocabulary concept, e.g. "tractor"; for weather and time, the kind.')
    label: str = Field(description="English label.")
    drawing: str = Field(
        description='"icon:<name>", "figure:<role>", "setting:<id>", "weather:<kind>" or "time:<kind>".'
    )
    box: PixelBox = Field(description="Its box at the shot's middle frame; the whole frame for scenery.")
    start_ms: int = Field(default=0, description="On screen from, in ms from the start of the video.")
    end_ms: int = Field(default=0, description="On screen until, in ms from the start of the video.")


class UndrawnConcept(BaseModel):
    """A concept of the scene that no shot shows, and why."""

    concept_id: str
    label: str
    reason: str


class ShotOutcome(BaseModel):
    """Which render provider made one shot, why the providers before it were passed over, and what it shows."""

    index: int
    provider: str = Field(description='"storyboard", "comfyui" or "gemini".')
    cost_usd: float = Field(default=0.0, description="What the shot cost, in US dollars.")
    fallback_reason: str = Field(description='"<provider>: <reason>: <detail>" joined by "; "; empty without fallback.')
    elements: list[RenderElement] = Field(
        default=[], description="The render manifest: what the shot shows, and where."
    )


class JobReview(BaseModel):
    """A review of the job's video, as its owner sees it (reviewers are not named)."""

    review_id: str
    job_id: str
    kind: Literal[
        "REVIEW_KIND_UNSPECIFIED",
        "REVIEW_KIND_MODERATION",
        "REVIEW_KIND_TRUST",
        "REVIEW_KIND_APPEAL",
        "REVIEW_KIND_REPORT",
    ] = Field(description="Why it was reviewed: moderation asked, the key's trust level, an appeal, reports.")
    state: Literal["REVIEW_STATE_UNSPECIFIED", "REVIEW_STATE_PENDING", "REVIEW_STATE_APPROVED", "REVIEW_STATE_REJECTED"]
    reason: str = Field(description="Why the video is in review (for an appeal, the owner's reason).")
    findings: list[dict[str, Any]] = Field(default=[], description="Moderation's findings.")
    note: str = Field(default="", description="The reviewer's note, once decided.")
    create_time: str | None = None
    decide_time: str | None = None
    language_code: str = ""


class Job(BaseModel):
    """A job, as returned by every ``/v1/jobs`` route."""

    job_id: str = Field(description="Server-assigned UUID.")
    state: JobStateName
    stage: StageName = Field(description="The last stage started.")
    progress: float = Field(description="Overall progress in [0, 1].")
    text: str
    options: JobOptions
    language_code: str = Field(description="Detected or given ISO 639-1 language; empty until known.")
    shot_count: int
    result: JobResult | None = Field(default=None, description="Present when state is JOB_STATE_SUCCEEDED.")
    error: RpcStatus | None = Field(default=None, description="The last error, when an attempt failed.")
    block_reasons: list[dict[str, Any]] = Field(description="Moderation findings, when state is JOB_STATE_BLOCKED.")
    attempts: int
    shots: list[ShotOutcome] = Field(default=[], description="Which provider made each rendered shot.")
    cost_usd: float = Field(default=0.0, description="What the rendered shots cost together, in US dollars.")
    undrawn_concepts: list[UndrawnConcept] = Field(
        default=[], description="The concepts of the scene's analysis that no rendered shot shows, with reasons."
    )
    last_event_sequence: int = Field(description="Sequence number of the last event published.")
    create_time: str = Field(description="RFC 3339 timestamp.")
    update_time: str = Field(description="RFC 3339 timestamp.")
    review: JobReview | None = Field(default=None, description="The job's latest review, when it was ever reviewed.")
    taken_down: bool = Field(default=False, description="True when an operator took the media down.")


class JobList(BaseModel):
    """A page of the caller's jobs, newest first."""

    jobs: list[Job]
    next_page_token: str = Field(description="Pass as page_token for the next page; empty on the last page.")


class JobEvent(BaseModel):
    """One progress event (the ``data:`` of an SSE event)."""

    job_id: str
    sequence: int = Field(description="Strictly increasing per job, from 1, without gaps; the SSE id.")
    time: str
    type: str = Field(description="JOB_EVENT_TYPE_*; the SSE event name is its lower-snake suffix.")
    state: JobStateName
    stage: StageName
    progress: float
    message: str
    shot_index: int
    shot_count: int
    provider: str = Field(default="", description="For shot_rendered and shot_progress: the shot's provider.")
    fallback_reason: str = Field(default="", description="For shot_rendered: why earlier providers were passed over.")
    shot_progress: float = Field(default=0.0, description="For shot_progress: progress inside the shot in [0, 1].")
    review: JobReview | None = Field(default=None, description="On a state change a review made: the review.")
    result: JobResult | None = None
    error: RpcStatus | None = None


class Violation(BaseModel):
    """One invalid request field."""

    field: str
    description: str


class Problem(BaseModel):
    """An error (RFC 9457 problem details, ``application/problem+json``) with a stable ``reason``."""

    type: str = "about:blank"
    title: str = Field(description="The HTTP status phrase.")
    status: int
    detail: str
    reason: str = Field(description="UPPER_SNAKE machine-readable reason, e.g. TEXT_TOO_SHORT, INVALID_API_KEY.")
    domain: str = Field(description="Who decided, e.g. gateway.drishya or generation.drishya.")
    metadata: dict[str, str] = {}
    violations: list[Violation] = []


class Health(BaseModel):
    """Readiness of the gateway and its dependencies."""

    status: Literal["ok", "degraded", "down"]
    degraded: list[str] = []
    checks: dict[str, str] = {}

"""Configuration of the generation service, read once from the environment."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.generation import plans as plans_
from services.generation.retention import RetentionPolicy
from services.mesh import config as mc
from services.mesh.cpu import sizing
from services.mesh.media_store import MediaSettings
from services.render.config import RenderConfig


@dataclass(frozen=True)
class GenerationConfig:
    """Settings of the generation service.

    Attributes:
        port: gRPC port (``DRISHYA_GENERATION_PORT``, default 50054; 0 picks a free one).
        media_root: shared media volume (``DRISHYA_MEDIA_ROOT``, default ``<data dir>/media``);
            work files go under ``<media_root>/work/<job_id>/``.
        language_addr, analysis_addr, prompt_addr, moderation_addr, delivery_addr: ``host:port``
            of the other services (``DRISHYA_<NAME>_ADDR``).
        workers: concurrent jobs per process (``DRISHYA_WORKERS``, default 1).
        render_processes: render processes per worker process, each drawing and encoding its own run
            of GOPs (``DRISHYA_RENDER_PROCESSES``; default ``min(C, 4)`` for the ``C`` CPUs the
            process really has, cgroup limit and affinity included: :func:`services.mesh.cpu.sizing`).
        render_idle_s: seconds a worker's render processes may sit idle before they stop; they
            start again, warming up, on the next job (``DRISHYA_RENDER_IDLE_S``, default 60;
            0 keeps them for the life of the worker).
        max_attempts: attempts before a job goes to the dead-letter queue (``DRISHYA_MAX_ATTEMPTS``, 3).
        lease_s: a claimed job's lease, renewed every third of it; a worker that dies loses the job
            after this, so another resumes it (``DRISHYA_LEASE_S``, 10: a killed worker's job is
            resumed within about 11 s, the lease plus the 1 s claim poll).
        max_queued_per_owner: admission control: queued or running jobs one owner may have, in place
            of every plan's ``active_jobs`` (``DRISHYA_MAX_QUEUED_PER_OWNER``, a deployment-wide
            setting, e.g. for load tests; unset, None: each plan's own).
        max_queued_total: admission control: queued jobs of all owners together before CreateJob
            answers RESOURCE_EXHAUSTED QUEUE_FULL (``DRISHYA_MAX_QUEUED_TOTAL``, 1000).
        rpc_deadline_s: deadline for unary calls to other services (``DRISHYA_RPC_DEADLINE_S``, 60).
        render: the render provider chain (:class:`services.render.config.RenderConfig`).
        monthly_budget_usd: what one key's generative jobs may cost per calendar month, in US dollars,
            in place of every plan's ``monthly_budget_usd`` (``DRISHYA_MONTHLY_BUDGET_USD``; 0: no budget;
            unset, None: each plan's own).
        key_budgets_usd: budgets of particular keys (``DRISHYA_KEY_BUDGETS_USD``, JSON
            ``{"<key id>": <usd>}``; 0: no budget), over the plan's.
        plans: the plan table (:func:`services.generation.plans.parse_plans` of ``DRISHYA_PLANS``).
        aging_step_s: seconds of waiting that raise a queued job's claim priority by one
            (``DRISHYA_AGING_STEP_S``, default :data:`services.generation.plans.AGING_STEP_S`, 60).
        media: the media store (``DRISHYA_MEDIA_URL`` and ``AWS_*``); None is the local ``media_root``.
        scratch_dir: this process's own directory for work files when media is in object storage
            (``DRISHYA_SCRATCH_DIR``, default ``<data dir>/scratch``); None: ``<media_root>/scratch``.
        node_name: the machine's name in worker ids (``DRISHYA_NODE_NAME``, default the host name);
            a job records the worker that claimed it last.
        retention: the retention sweeper's policy (:mod:`services.generation.retention`):
            ``DRISHYA_RETENTION_FAILED_DAYS`` (7), ``DRISHYA_RETENTION_TRIM_DAYS`` (180),
            ``DRISHYA_RETENTION_INTERVAL_S`` (3600) and ``DRISHYA_RETENTION_BATCH`` (500 jobs a transaction).
        retention_enabled: whether this process runs the sweeper (``DRISHYA_RETENTION_ENABLED``, true;
            however many processes run one, a PostgreSQL advisory lock lets one sweep at a time).
        report_threshold: distinct reports of a released video that send it back to review
            (``DRISHYA_REPORT_THRESHOLD``, default 3; a grave category sends it at once:
            :data:`services.generation.reviews.GRAVE_CATEGORIES`).
    """

    port: int
    media_root: Path
    language_addr: str
    analysis_addr: str
    prompt_addr: str
    moderation_addr: str
    delivery_addr: str
    workers: int = 1
    render_processes: int = 1
    render_idle_s: float = 60.0
    max_attempts: int = 3
    lease_s: int = 10
    max_queued_per_owner: int | None = None
    max_queued_total: int = 1000
    rpc_deadline_s: float = 60.0
    retry_backoff_s: float = 2.0
    render: RenderConfig = field(default_factory=RenderConfig)
    monthly_budget_usd: float | None = None
    key_budgets_usd: dict[str, float] = field(default_factory=dict)
    plans: dict[str, plans_.Plan] = field(default_factory=lambda: dict(plans_.DEFAULT_PLANS))
    aging_step_s: float = plans_.AGING_STEP_S
    media: MediaSettings | None = None
    scratch_dir: Path | None = None
    node_name: str = ""
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)
    retention_enabled: bool = True
    report_threshold: int = 3

    def plan(self, name: str) -> plans_.Plan:
        """The plan called ``name`` (``free`` when blank or unknown)."""
        return plans_.plan_of(self.plans, name)

    def budget_of(self, owner_id: str, plan: str = "") -> float | None:
        """The monthly budget of key ``owner_id`` on ``plan`` in US dollars; None: no budget.

        The key's own budget (``key_budgets_usd``) first, then the deployment-wide one
        (``monthly_budget_usd``), 0 in either meaning none; else the plan's, where 0 means
        storyboard only (no provider spend at all).
        """
        override = self.key_budgets_usd.get(owner_id, self.monthly_budget_usd)
        if override is not None:
            return override if override > 0 else None
        return self.plan(plan).monthly_budget_usd

    def active_jobs_of(self, plan: str) -> int:
        """Jobs one key on ``plan`` may have queued or running: ``max_queued_per_owner`` when set,
        else the plan's ``active_jobs``."""
        if self.max_queued_per_owner is not None:
            return self.max_queued_per_owner
        return self.plan(plan).active_jobs

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GenerationConfig:
        """Build from ``env``; raises :class:`services.mesh.config.ConfigError` on bad values."""
        media = mc.env_str(env, "DRISHYA_MEDIA_ROOT", str(mc.data_dir(env) / "media"))
        return cls(
            port=mc.port(env, "generation"),
            media_root=Path(media).resolve(),
            language_addr=mc.address(env, "language"),
            analysis_addr=mc.address(env, "analysis"),
            prompt_addr=mc.address(env, "prompt"),
            moderation_addr=mc.address(env, "moderation"),
            delivery_addr=mc.address(env, "delivery"),
            workers=mc.env_int(env, "DRISHYA_WORKERS", 1, lo=0, hi=64),
            render_processes=mc.env_int(env, "DRISHYA_RENDER_PROCESSES", sizing().render_processes, lo=1, hi=64),
            render_idle_s=mc.env_float(env, "DRISHYA_RENDER_IDLE_S", 60.0, lo=0.0, hi=86400.0),
            max_attempts=mc.env_int(env, "DRISHYA_MAX_ATTEMPTS", 3, lo=1, hi=100),
            lease_s=mc.env_int(env, "DRISHYA_LEASE_S", 10, lo=3, hi=3600),
            max_queued_per_owner=_optional(env, "DRISHYA_MAX_QUEUED_PER_OWNER", 1, 100000),
            max_queued_total=mc.env_int(env, "DRISHYA_MAX_QUEUED_TOTAL", 1000, lo=1, hi=10_000_000),
            rpc_deadline_s=mc.env_float(env, "DRISHYA_RPC_DEADLINE_S", 60.0, lo=0.1, hi=3600),
            retry_backoff_s=mc.env_float(env, "DRISHYA_RETRY_BACKOFF_S", 2.0, lo=0.0, hi=3600),
            render=RenderConfig.from_env(env),
            monthly_budget_usd=(
                mc.env_float(env, "DRISHYA_MONTHLY_BUDGET_USD", 0.0, lo=0.0, hi=1e9)
                if env.get("DRISHYA_MONTHLY_BUDGET_USD", "").strip()
                else None
            ),
            key_budgets_usd=_budgets(mc.env_str(env, "DRISHYA_KEY_BUDGETS_USD", "")),
            plans=plans_.plans_from_env(env),
            aging_step_s=mc.env_float(env, "DRISHYA_AGING_STEP_S", plans_.AGING_STEP_S, lo=0.001, hi=86400.0),
            media=MediaSettings.from_env(env, Path(media)),
            node_name=mc.env_str(env, "DRISHYA_NODE_NAME", ""),
            retention=RetentionPolicy(
                failed_days=mc.env_float(env, "DRISHYA_RETENTION_FAILED_DAYS", 7.0, lo=0.001, hi=36500.0),
                trim_days=mc.env_float(env, "DRISHYA_RETENTION_TRIM_DAYS", 180.0, lo=0.001, hi=36500.0),
                interval_s=mc.env_float(env, "DRISHYA_RETENTION_INTERVAL_S", 3600.0, lo=1.0, hi=7 * 86400.0),
                batch_size=mc.env_int(env, "DRISHYA_RETENTION_BATCH", 500, lo=1, hi=10_000),
            ),
            retention_enabled=mc.env_bool(env, "DRISHYA_RETENTION_ENABLED", True),
            report_threshold=mc.env_int(env, "DRISHYA_REPORT_THRESHOLD", 3, lo=1, hi=1_000_000),
            scratch_dir=Path(mc.env_str(env, "DRISHYA_SCRATCH_DIR", str(mc.data_dir(env) / "scratch"))).resolve(),
        )


def _optional(env: Mapping[str, str], name: str, lo: int, hi: int) -> int | None:
    """The whole number ``name`` within ``lo..hi``, or None when it is unset or blank."""
    if not env.get(name, "").strip():
        return None
    return mc.env_int(env, name, lo, lo=lo, hi=hi)


def _budgets(raw: str) -> dict[str, float]:
    if not raw.strip():
        return {}
    try:
        table = json.loads(raw)
        budgets = {str(k): float(v) for k, v in table.items()}
    except (AttributeError, TypeError, ValueError) as exc:
        raise mc.ConfigError(f"DRISHYA_KEY_BUDGETS_USD must be a JSON object of numbers: {exc}") from exc
    if any(v < 0 for v in budgets.values()):
        raise mc.ConfigError("DRISHYA_KEY_BUDGETS_USD: budgets cannot be negative")
    return budgets

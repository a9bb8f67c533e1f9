"""Configuration of the generation service, read once from the environment."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

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
        max_queued_per_owner: admission control: queued or running jobs one owner may have
            (``DRISHYA_MAX_QUEUED_PER_OWNER``, 20).
        max_queued_total: admission control: queued jobs of all owners together before CreateJob
            answers RESOURCE_EXHAUSTED QUEUE_FULL (``DRISHYA_MAX_QUEUED_TOTAL``, 1000).
        rpc_deadline_s: deadline for unary calls to other services (``DRISHYA_RPC_DEADLINE_S``, 60).
        render: the render provider chain (:class:`services.render.config.RenderConfig`).
        monthly_budget_usd: what one key's generative jobs may cost per calendar month, in US dollars
            (``DRISHYA_MONTHLY_BUDGET_USD``, default 50; 0: no budget).
        key_budgets_usd: budgets of particular keys (``DRISHYA_KEY_BUDGETS_USD``, JSON
            ``{"<key id>": <usd>}``), over the default.
        media: the media store (``DRISHYA_MEDIA_URL`` and ``AWS_*``); None is the local ``media_root``.
        scratch_dir: this process's own directory for work files when media is in object storage
            (``DRISHYA_SCRATCH_DIR``, default ``<data dir>/scratch``); None: ``<media_root>/scratch``.
        node_name: the machine's name in worker ids (``DRISHYA_NODE_NAME``, default the host name);
            a job records the worker that claimed it last.
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
    max_queued_per_owner: int = 20
    max_queued_total: int = 1000
    rpc_deadline_s: float = 60.0
    retry_backoff_s: float = 2.0
    render: RenderConfig = field(default_factory=RenderConfig)
    monthly_budget_usd: float = 50.0
    key_budgets_usd: dict[str, float] = field(default_factory=dict)
    media: MediaSettings | None = None
    scratch_dir: Path | None = None
    node_name: str = ""

    def budget_of(self, owner_id: str) -> float:
        """The monthly budget of key ``owner_id`` in US dollars (0: none)."""
        return self.key_budgets_usd.get(owner_id, self.monthly_budget_usd)

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
            max_queued_per_owner=mc.env_int(env, "DRISHYA_MAX_QUEUED_PER_OWNER", 20, lo=1, hi=100000),
            max_queued_total=mc.env_int(env, "DRISHYA_MAX_QUEUED_TOTAL", 1000, lo=1, hi=10_000_000),
            rpc_deadline_s=mc.env_float(env, "DRISHYA_RPC_DEADLINE_S", 60.0, lo=0.1, hi=3600),
            retry_backoff_s=mc.env_float(env, "DRISHYA_RETRY_BACKOFF_S", 2.0, lo=0.0, hi=3600),
            render=RenderConfig.from_env(env),
            monthly_budget_usd=mc.env_float(env, "DRISHYA_MONTHLY_BUDGET_USD", 50.0, lo=0.0, hi=1e9),
            key_budgets_usd=_budgets(mc.env_str(env, "DRISHYA_KEY_BUDGETS_USD", "")),
            media=MediaSettings.from_env(env, Path(media)),
            node_name=mc.env_str(env, "DRISHYA_NODE_NAME", ""),
            scratch_dir=Path(mc.env_str(env, "DRISHYA_SCRATCH_DIR", str(mc.data_dir(env) / "scratch"))).resolve(),
        )


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

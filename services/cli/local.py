"""The whole mesh in one process: embedded PostgreSQL, Redis and NATS, six gRPC servers, the gateway.

Used by ``drishya up`` (default ports), by ``drishya generate`` when no gateway answers, by the
end-to-end tests and by the benchmarks (ephemeral ports). Each service is built by its own
``create_server`` exactly as it runs alone; only the process is shared.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from services.mesh import config as mc
from services.mesh.infra import EmbeddedInfra, InfraUrls, free_port
from services.mesh.server import MeshServer

log = logging.getLogger(__name__)


@dataclass
class LocalMesh:
    """Starts and stops the local mesh.

    Args:
        data_dir: embedded servers' data and the media root (``<data_dir>/media``).
        ephemeral: bind every server to a free port instead of the default ones.
        env: base environment (``DATABASE_URL``/``REDIS_URL``/``NATS_URL`` switch embedded servers off).
    """

    data_dir: Path
    ephemeral: bool = False
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    servers: list[MeshServer] = field(default_factory=list)
    urls: InfraUrls | None = None
    gateway_url: str = ""
    api_key: str = ""
    _infra: EmbeddedInfra | None = None
    _gateway: uvicorn.Server | None = None
    _gateway_task: asyncio.Task[None] | None = None

    @property
    def media_root(self) -> Path:
        """The shared media volume."""
        return Path(self._env["DRISHYA_MEDIA_ROOT"])

    @property
    def local_media_root(self) -> Path | None:
        """The directory media is published in, or None when it goes to object storage
        (``DRISHYA_MEDIA_URL=s3://...``)."""
        from services.mesh.media_store import MediaSettings

        settings = MediaSettings.from_env(self._env, self.media_root)
        return settings.open().local_root if settings.is_local else None

    async def start(self, *, api_key_name: str = "local-dev") -> None:
        """Start everything; sets :attr:`gateway_url` and :attr:`api_key` (``DRISHYA_API_KEY`` or a new one).

        Raises :class:`services.mesh.infra.InfraError` or ``OSError`` when a server cannot start.
        """
        self.data_dir = self.data_dir.resolve()
        env = dict(self.env)
        env.setdefault("DRISHYA_DATA_DIR", str(self.data_dir))
        env.setdefault("DRISHYA_MEDIA_ROOT", str(self.data_dir / "media"))
        Path(env["DRISHYA_MEDIA_ROOT"]).mkdir(parents=True, exist_ok=True)
        self._env = env
        self._infra = EmbeddedInfra(self.data_dir, env=env)
        self.urls = urls = await asyncio.to_thread(self._infra.start)

        from services.analysis.config import AnalysisConfig
        from services.analysis.server import create_server as analysis_server
        from services.delivery.config import DeliveryConfig
        from services.delivery.server import create_server as delivery_server
        from services.language.config import LanguageConfig
        from services.language.server import create_server as language_server
        from services.moderation.config import ModerationConfig
        from services.moderation.server import create_server as moderation_server
        from services.prompt.config import PromptConfig
        from services.prompt.server import create_server as prompt_server

        def port_of(name: str) -> None:
            if self.ephemeral:
                env[mc.DEFAULT_PORTS[name][0]] = "0"

        for name in mc.DEFAULT_PORTS:
            port_of(name)
        starts = [
            ("language", language_server(LanguageConfig.from_env(env), redis_url=urls.redis_url)),
            ("analysis", analysis_server(AnalysisConfig.from_env(env))),
            ("prompt", prompt_server(PromptConfig.from_env(env))),
            ("moderation", moderation_server(ModerationConfig.from_env(env))),
            ("delivery", delivery_server(DeliveryConfig.from_env(env), database_url=urls.database_url)),
        ]
        for name, coro in starts:
            server = await coro
            self.servers.append(server)
            env[mc.ADDRESS_VARS[name]] = f"127.0.0.1:{server.port}"

        from services.generation.config import GenerationConfig
        from services.generation.server import create_server as generation_server

        gen = await generation_server(
            GenerationConfig.from_env(env),
            database_url=urls.database_url,
            nats_url=urls.nats_url,
            redis_url=urls.redis_url,
        )
        self.servers.append(gen)
        env[mc.ADDRESS_VARS["generation"]] = f"127.0.0.1:{gen.port}"

        from services.story.config import StoryConfig
        from services.story.server import create_server as story_server

        story = await story_server(StoryConfig.from_env(env), database_url=urls.database_url, nats_url=urls.nats_url)
        self.servers.append(story)
        env[mc.ADDRESS_VARS["story"]] = f"127.0.0.1:{story.port}"
        await self._start_gateway(env, urls, api_key_name)

    async def _start_gateway(self, env: dict[str, str], urls: InfraUrls, api_key_name: str) -> None:
        from services.gateway import keys
        from services.gateway.config import GatewayConfig
        from services.gateway.server import create_server as gateway_server
        from services.gateway.trust import Role
        from services.mesh.db import create_engine

        gw_port = free_port() if self.ephemeral else mc.port(env, "gateway")
        env[mc.DEFAULT_PORTS["gateway"][0]] = str(gw_port)
        engine = create_engine(urls.database_url, pool_size=1)
        try:
            await keys.migrate_gateway(engine)
            given = env.get("DRISHYA_API_KEY", "").strip()
            if given:
                await keys.ensure_api_key(engine, given, api_key_name)
                self.api_key = given
            else:
                # the local mesh's own key: its user runs the platform (never reviewed, no plan limits)
                _, self.api_key = await keys.create_api_key(
                    engine, api_key_name, role=Role.OPERATOR, plan="enterprise", actor="system:local-mesh"
                )
        finally:
            await engine.dispose()
        env["DRISHYA_API_KEY"] = ""  # registered above; the gateway need not register it again
        env["REDIS_URL"] = urls.redis_url  # the per-key rate limit lives in Redis
        self._gateway = gateway_server(GatewayConfig.from_env(env), database_url=urls.database_url, log_level="warning")
        # One process, one owner of SIGINT/SIGTERM: the caller, not uvicorn.
        self._gateway.capture_signals = contextlib.nullcontext  # type: ignore[method-assign, assignment]
        self._gateway_task = asyncio.create_task(self._gateway.serve(), name="gateway")
        while not self._gateway.started:
            if self._gateway_task.done():
                self._gateway_task.result()
                raise OSError(f"gateway could not start on port {gw_port}")
            await asyncio.sleep(0.05)
        self.gateway_url = f"http://127.0.0.1:{gw_port}"

    async def wait_serving(self, timeout_s: float = 60.0) -> None:
        """Wait until every gRPC server reports SERVING; raises ``TimeoutError``."""
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        from services.mesh.channels import channel

        async def one(s: MeshServer) -> None:
            async with channel(f"127.0.0.1:{s.port}") as ch:
                stub = health_pb2_grpc.HealthStub(ch)
                while True:
                    r = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
                    if r.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                    await asyncio.sleep(0.1)

        await asyncio.wait_for(asyncio.gather(*(one(s) for s in self.servers)), timeout_s)

    async def stop(self) -> None:
        """Stop the gateway, the gRPC servers (reverse order) and the embedded servers."""
        if self._gateway is not None and self._gateway_task is not None:
            self._gateway.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._gateway_task, 10)
        for s in reversed(self.servers):
            try:
                await s.stop(2.0)
            except Exception as exc:
                log.warning("stopping %s: %s", s.name, exc)
        self.servers.clear()
        if self._infra is not None:
            await asyncio.to_thread(self._infra.stop)
            self._infra = None

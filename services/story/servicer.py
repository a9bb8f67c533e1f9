"""StoryService servicer: proto in, proto out; the rules live in stories.py and the store."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from drishya.story.v1 import story_pb2 as pb
from drishya.story.v1 import story_service_pb2 as svc_pb2
from drishya.story.v1 import story_service_pb2_grpc as svc_grpc
from services.generation import plans
from services.mesh.errors import require_owner
from services.mesh.media_store import store_of
from services.story import analyze, breakdown, stories
from services.story.adapters.clients import SceneAnalyst, SceneRenderer
from services.story.adapters.events import OutboxRelay, StoryBus
from services.story.adapters.store import StoryStore
from services.story.config import StoryConfig

Ctx = grpc.aio.ServicerContext[object, object]


_owner = require_owner


def _new_scene(scene: svc_pb2.NewScene, field: str) -> pb.Scene:
    return pb.Scene(
        text=stories.validate_scene_text(scene.text, f"{field}.text"),
        language_code=stories.validate_language(scene.language_code, f"{field}.language_code"),
    )


class StoryServicer(svc_grpc.StoryServiceServicer):
    """Stories: create, read, list, change with version checks, fork, bible, watch."""

    def __init__(
        self,
        store: StoryStore,
        bus: StoryBus,
        relay: OutboxRelay,
        analyst: SceneAnalyst,
        renderer: SceneRenderer,
        config: StoryConfig,
    ) -> None:
        self.store, self.bus, self.relay, self.config = store, bus, relay, config
        self.analyst, self.renderer = analyst, renderer
        self.media = store_of(config.media, config.media_root)

    async def CreateStory(self, request: svc_pb2.CreateStoryRequest, context: Ctx) -> svc_pb2.CreateStoryResponse:
        owner = _owner(request.owner_id)
        title = stories.validate_title(request.title)
        language = stories.validate_language(request.language_code)
        stories.check_room(0, len(request.scenes))
        scenes = [_new_scene(s, f"scenes[{i}]") for i, s in enumerate(request.scenes)]
        quota = plans.plan_of(self.config.plans, request.plan).active_stories
        change = await self.store.create(owner, title, language, scenes, max_stories=quota)
        self.relay.kick()
        return svc_pb2.CreateStoryResponse(story=change.story)

    async def GetStory(self, request: svc_pb2.GetStoryRequest, context: Ctx) -> svc_pb2.GetStoryResponse:
        return svc_pb2.GetStoryResponse(story=await self.store.get(request.story_id, _owner(request.owner_id)))

    async def ListStories(self, request: svc_pb2.ListStoriesRequest, context: Ctx) -> svc_pb2.ListStoriesResponse:
        page, token = await self.store.list_stories(_owner(request.owner_id), request.page_size, request.page_token)
        return svc_pb2.ListStoriesResponse(stories=page, next_page_token=token)

    async def UpdateStory(self, request: svc_pb2.UpdateStoryRequest, context: Ctx) -> svc_pb2.UpdateStoryResponse:
        owner = _owner(request.owner_id)
        title = stories.validate_title(request.title) if request.HasField("title") else None
        language = stories.validate_language(request.language_code) if request.HasField("language_code") else None
        change = await self.store.update(request.story_id, owner, request.version, title, language)
        self.relay.kick()
        return svc_pb2.UpdateStoryResponse(story=change.story)

    async def DeleteStory(self, request: svc_pb2.DeleteStoryRequest, context: Ctx) -> svc_pb2.DeleteStoryResponse:
        await self.store.delete(request.story_id, _owner(request.owner_id), request.version)
        self.relay.kick()
        return svc_pb2.DeleteStoryResponse(story_id=request.story_id)

    async def AddScene(self, request: svc_pb2.AddSceneRequest, context: Ctx) -> svc_pb2.AddSceneResponse:
        owner = _owner(request.owner_id)
        scene = _new_scene(request.scene, "scene")
        position = request.position if request.HasField("position") else None
        change, scene_id = await self.store.add_scene(request.story_id, owner, request.version, scene, position)
        self.relay.kick()
        added = next(s for s in change.story.scenes if s.scene_id == scene_id)
        return svc_pb2.AddSceneResponse(story=change.story, scene=added)

    async def UpdateScene(self, request: svc_pb2.UpdateSceneRequest, context: Ctx) -> svc_pb2.UpdateSceneResponse:
        owner = _owner(request.owner_id)
        text = stories.validate_scene_text(request.text) if request.HasField("text") else None
        language = stories.validate_language(request.language_code) if request.HasField("language_code") else None
        change = await self.store.update_scene(
            request.story_id, owner, request.scene_id, request.version, text, language
        )
        self.relay.kick()
        changed = next(s for s in change.story.scenes if s.scene_id == request.scene_id)
        return svc_pb2.UpdateSceneResponse(story=change.story, scene=changed)

    async def ReorderScenes(self, request: svc_pb2.ReorderScenesRequest, context: Ctx) -> svc_pb2.ReorderScenesResponse:
        owner = _owner(request.owner_id)
        change = await self.store.reorder(request.story_id, owner, request.version, list(request.scene_ids))
        self.relay.kick()
        return svc_pb2.ReorderScenesResponse(story=change.story)

    async def DeleteScene(self, request: svc_pb2.DeleteSceneRequest, context: Ctx) -> svc_pb2.DeleteSceneResponse:
        owner = _owner(request.owner_id)
        change = await self.store.delete_scene(request.story_id, owner, request.scene_id, request.version)
        self.relay.kick()
        return svc_pb2.DeleteSceneResponse(story=change.story)

    async def ForkStory(self, request: svc_pb2.ForkStoryRequest, context: Ctx) -> svc_pb2.ForkStoryResponse:
        owner = _owner(request.owner_id)
        quota = plans.plan_of(self.config.plans, request.plan).active_stories
        change = await self.store.fork(request.story_id, owner, request.scene_id, request.title, max_stories=quota)
        self.relay.kick()
        return svc_pb2.ForkStoryResponse(story=change.story)

    async def GetStoryBible(self, request: svc_pb2.GetStoryBibleRequest, context: Ctx) -> svc_pb2.GetStoryBibleResponse:
        return svc_pb2.GetStoryBibleResponse(bible=await self.store.bible(request.story_id, _owner(request.owner_id)))

    async def UpdateStoryBible(
        self, request: svc_pb2.UpdateStoryBibleRequest, context: Ctx
    ) -> svc_pb2.UpdateStoryBibleResponse:
        owner = _owner(request.owner_id)
        stories.validate_bible(request.bible)
        bible, _ = await self.store.update_bible(owner, request.bible)
        self.relay.kick()
        return svc_pb2.UpdateStoryBibleResponse(bible=bible)

    async def AnalyzeStory(self, request: svc_pb2.AnalyzeStoryRequest, context: Ctx) -> svc_pb2.AnalyzeStoryResponse:
        done = await analyze.analyze_story(self.store, self.analyst, request.story_id, _owner(request.owner_id))
        self.relay.kick()
        return svc_pb2.AnalyzeStoryResponse(story=done.story, bible=done.bible)

    async def ExportBreakdown(
        self, request: svc_pb2.ExportBreakdownRequest, context: Ctx
    ) -> svc_pb2.ExportBreakdownResponse:
        done = await analyze.analyze_story(self.store, self.analyst, request.story_id, _owner(request.owner_id))
        self.relay.kick()
        strips = analyze.strips(done)
        return svc_pb2.ExportBreakdownResponse(
            story_version=done.story.version, strips=strips, csv=breakdown.to_csv(strips)
        )

    async def RenderStory(self, request: svc_pb2.RenderStoryRequest, context: Ctx) -> svc_pb2.RenderStoryResponse:
        owner = _owner(request.owner_id)
        story, renders = await analyze.render_story(
            self.store,
            self.analyst,
            self.renderer,
            request.story_id,
            owner,
            plan=request.plan,
            review_rate=min(1.0, max(0.0, request.review_rate)),
        )
        self.relay.kick()
        return svc_pb2.RenderStoryResponse(story=story, renders=renders)

    async def GetPlayback(self, request: svc_pb2.GetPlaybackRequest, context: Ctx) -> svc_pb2.GetPlaybackResponse:
        owner = _owner(request.owner_id)
        out_key, chapters = await analyze.playback(self.store, self.renderer, self.media, request.story_id, owner)
        return svc_pb2.GetPlaybackResponse(
            hls_master_key=f"{out_key}/master.m3u8", chapters_key=f"{out_key}/chapters.vtt", chapters=chapters
        )

    async def WatchStory(
        self, request: svc_pb2.WatchStoryRequest, context: Ctx
    ) -> AsyncIterator[svc_pb2.WatchStoryResponse]:
        """Replays recorded events after ``after_sequence`` from PostgreSQL, then follows live ones.

        A story has no last event, so the stream runs until the caller cancels it or the story is
        deleted (its DELETED event is the last one sent).
        """
        owner = _owner(request.owner_id)
        last = request.after_sequence
        wakeups = self.bus.wakeups(request.story_id, self.config.watch_poll_s)
        try:
            while True:
                for event in await self.store.events(request.story_id, owner, last):
                    yield svc_pb2.WatchStoryResponse(event=event)
                    last = event.sequence
                    if event.type == pb.STORY_EVENT_TYPE_DELETED:
                        return
                await anext(wakeups)
        finally:
            await wakeups.aclose()  # type: ignore[attr-defined]

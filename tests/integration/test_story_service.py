"""StoryService over a real gRPC channel with real PostgreSQL and NATS: versions, forks, events."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import grpc
import nats
import pytest
import pytest_asyncio
from grpc_health.v1 import health_pb2, health_pb2_grpc

from drishya.story.v1 import story_pb2 as pb
from drishya.story.v1 import story_service_pb2 as svc_pb2
from drishya.story.v1 import story_service_pb2_grpc as svc_grpc
from services.mesh.channels import channel
from services.mesh.errors import details_of
from services.mesh.infra import InfraUrls
from services.mesh.server import MeshServer
from services.story.adapters.events import subject
from services.story.config import StoryConfig
from services.story.server import SERVICE_NAME, create_server

Stub = svc_grpc.StoryServiceStub
SCENES = [
    ("మీనా తోటలో ఎర్ర చీర కట్టుకుని నడుస్తోంది.", "te"),
    ("वह बारिश में नाचती है।", "hi"),
    ("సాయంత్రం మీనా ఇంటికి తిరిగి వచ్చింది.", "te"),
]


@pytest.fixture(scope="module")
def database_url(make_database: Callable[[str], str]) -> str:
    return make_database("story")


@pytest_asyncio.fixture(scope="module")
async def server(database_url: str, infra: InfraUrls) -> AsyncIterator[MeshServer]:
    s = await create_server(StoryConfig(port=0, watch_poll_s=0.2), database_url=database_url, nats_url=infra.nats_url)
    yield s
    await s.stop(0.5)


@pytest_asyncio.fixture(scope="module")
async def stub(server: MeshServer) -> AsyncIterator[Stub]:
    ch = channel(f"127.0.0.1:{server.port}")
    yield Stub(ch)
    await ch.close()


def _owner() -> str:
    return f"key-{uuid.uuid4().hex[:8]}"


async def _story(stub: Stub, owner: str, n: int = 3) -> pb.Story:
    resp = await stub.CreateStory(
        svc_pb2.CreateStoryRequest(
            owner_id=owner,
            title="Meena in the rain",
            scenes=[svc_pb2.NewScene(text=t, language_code=lang) for t, lang in (SCENES * 3)[:n]],
        ),
        timeout=10,
    )
    return resp.story


async def test_health_reports_serving(server: MeshServer) -> None:
    async def status() -> int:
        async with channel(f"127.0.0.1:{server.port}") as ch:
            resp = await health_pb2_grpc.HealthStub(ch).Check(
                health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=2
            )
            return int(resp.status)

    for _ in range(100):
        if await status() == health_pb2.HealthCheckResponse.SERVING:
            break
        await asyncio.sleep(0.05)
    assert await status() == health_pb2.HealthCheckResponse.SERVING


async def test_create_and_get_keep_scene_order_and_versions(stub: Stub) -> None:
    owner = _owner()
    story = await _story(stub, owner)
    assert story.version == 1
    assert [s.text for s in story.scenes] == [t for t, _ in SCENES]
    assert [s.position for s in story.scenes] == [0, 1, 2]
    assert all(s.version == 1 and len(s.content_hash) == 64 for s in story.scenes)
    got = (await stub.GetStory(svc_pb2.GetStoryRequest(owner_id=owner, story_id=story.story_id), timeout=5)).story
    assert got == story


async def test_story_is_not_found_for_another_owner(stub: Stub) -> None:
    story = await _story(stub, _owner())
    for call in (
        stub.GetStory(svc_pb2.GetStoryRequest(owner_id=_owner(), story_id=story.story_id), timeout=5),
        stub.AddScene(
            svc_pb2.AddSceneRequest(
                owner_id=_owner(), story_id=story.story_id, version=1, scene=svc_pb2.NewScene(text="Hello there.")
            ),
            timeout=5,
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await call
        assert err.value.code() == grpc.StatusCode.NOT_FOUND
        assert details_of(err.value).reason == "STORY_NOT_FOUND"


async def test_stale_story_version_is_aborted_and_changes_nothing(stub: Stub) -> None:
    owner = _owner()
    story = await _story(stub, owner)
    added = await stub.AddScene(
        svc_pb2.AddSceneRequest(
            owner_id=owner, story_id=story.story_id, version=1, scene=svc_pb2.NewScene(text="She sings."), position=0
        ),
        timeout=5,
    )
    assert added.story.version == 2
    assert added.story.scenes[0].scene_id == added.scene.scene_id
    assert [s.position for s in added.story.scenes] == [0, 1, 2, 3]
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.DeleteScene(
            svc_pb2.DeleteSceneRequest(
                owner_id=owner, story_id=story.story_id, scene_id=story.scenes[0].scene_id, version=1
            ),
            timeout=5,
        )
    assert err.value.code() == grpc.StatusCode.ABORTED
    d = details_of(err.value)
    assert d.reason == "VERSION_MISMATCH"
    assert d.metadata["current_version"] == "2"
    assert d.metadata["resource"] == "story"
    after = (await stub.GetStory(svc_pb2.GetStoryRequest(owner_id=owner, story_id=story.story_id), timeout=5)).story
    assert after == added.story


async def test_stale_scene_version_is_aborted(stub: Stub) -> None:
    owner = _owner()
    story = await _story(stub, owner)
    scene = story.scenes[1]
    first = await stub.UpdateScene(
        svc_pb2.UpdateSceneRequest(
            owner_id=owner, story_id=story.story_id, scene_id=scene.scene_id, version=1, text="वह गाती है।"
        ),
        timeout=5,
    )
    assert first.scene.version == 2
    assert first.scene.content_hash != scene.content_hash
    assert first.story.version == 2
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.UpdateScene(
            svc_pb2.UpdateSceneRequest(
                owner_id=owner, story_id=story.story_id, scene_id=scene.scene_id, version=1, text="वह रोती है।"
            ),
            timeout=5,
        )
    assert err.value.code() == grpc.StatusCode.ABORTED
    assert details_of(err.value).metadata == {"resource": "scene", "current_version": "2", "given_version": "1"}
    after = (await stub.GetStory(svc_pb2.GetStoryRequest(owner_id=owner, story_id=story.story_id), timeout=5)).story
    assert after.scenes[1].text == "वह गाती है।"


async def test_twenty_concurrent_reorders_exactly_one_wins(stub: Stub) -> None:
    owner = _owner()
    story = await _story(stub, owner, n=6)
    ids = [s.scene_id for s in story.scenes]
    orders = [
        ids[i % 6 :] + ids[: i % 6] if i < 6 else list(reversed(ids[i % 6 :] + ids[: i % 6])) for i in range(1, 21)
    ]

    async def reorder(order: list[str]) -> svc_pb2.ReorderScenesResponse | grpc.aio.AioRpcError:
        try:
            return await stub.ReorderScenes(
                svc_pb2.ReorderScenesRequest(owner_id=owner, story_id=story.story_id, version=1, scene_ids=order),
                timeout=20,
            )
        except grpc.aio.AioRpcError as err:
            return err

    results = await asyncio.gather(*(reorder(o) for o in orders))
    wins = [r for r in results if isinstance(r, svc_pb2.ReorderScenesResponse)]
    losses = [r for r in results if isinstance(r, grpc.aio.AioRpcError)]
    assert len(wins) == 1 and len(losses) == 19
    assert all(e.code() == grpc.StatusCode.ABORTED for e in losses)
    assert all(details_of(e).metadata["current_version"] == "2" for e in losses)
    final = (await stub.GetStory(svc_pb2.GetStoryRequest(owner_id=owner, story_id=story.story_id), timeout=5)).story
    assert final.version == 2
    order = [s.scene_id for s in final.scenes]
    assert order in orders
    assert order == [s.scene_id for s in wins[0].story.scenes]
    assert sorted(order) == sorted(ids)


async def test_reorder_must_be_a_permutation(stub: Stub) -> None:
    owner = _owner()
    story = await _story(stub, owner)
    ids = [s.scene_id for s in story.scenes]
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.ReorderScenes(
            svc_pb2.ReorderScenesRequest(owner_id=owner, story_id=story.story_id, version=1, scene_ids=ids[:2] * 2),
            timeout=5,
        )
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert details_of(err.value).reason == "NOT_A_PERMUTATION"


async def test_fork_shares_scenes_up_to_the_fork_point_then_diverges(stub: Stub) -> None:
    owner = _owner()
    parent = await _story(stub, owner, n=3)
    fork = (
        await stub.ForkStory(
            svc_pb2.ForkStoryRequest(owner_id=owner, story_id=parent.story_id, scene_id=parent.scenes[1].scene_id),
            timeout=5,
        )
    ).story
    assert fork.version == 1
    assert fork.parent_story_id == parent.story_id
    assert fork.fork_scene_id == parent.scenes[1].scene_id
    assert fork.title == "Meena in the rain (fork)"
    assert [s.text for s in fork.scenes] == [s.text for s in parent.scenes[:2]]
    assert [s.origin_scene_id for s in fork.scenes] == [s.scene_id for s in parent.scenes[:2]]
    assert [s.content_hash for s in fork.scenes] == [s.content_hash for s in parent.scenes[:2]]
    # Diverge: the fork gets its own third scene, and edits a shared one.
    await stub.AddScene(
        svc_pb2.AddSceneRequest(
            owner_id=owner, story_id=fork.story_id, version=1, scene=svc_pb2.NewScene(text="మీనా నిద్రపోయింది.")
        ),
        timeout=5,
    )
    await stub.UpdateScene(
        svc_pb2.UpdateSceneRequest(
            owner_id=owner, story_id=fork.story_id, scene_id=fork.scenes[0].scene_id, version=1, text="Meena waits."
        ),
        timeout=5,
    )
    # Deleting a scene of the fork leaves the parent intact.
    fork_now = (await stub.GetStory(svc_pb2.GetStoryRequest(owner_id=owner, story_id=fork.story_id), timeout=5)).story
    deleted = await stub.DeleteScene(
        svc_pb2.DeleteSceneRequest(
            owner_id=owner, story_id=fork.story_id, scene_id=fork.scenes[1].scene_id, version=fork_now.version
        ),
        timeout=5,
    )
    assert [s.text for s in deleted.story.scenes] == ["Meena waits.", "మీనా నిద్రపోయింది."]
    assert [s.position for s in deleted.story.scenes] == [0, 1]
    parent_now = (
        await stub.GetStory(svc_pb2.GetStoryRequest(owner_id=owner, story_id=parent.story_id), timeout=5)
    ).story
    assert parent_now == parent
    # Forking at a scene of another story is refused.
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.ForkStory(
            svc_pb2.ForkStoryRequest(owner_id=owner, story_id=parent.story_id, scene_id=fork.scenes[0].scene_id),
            timeout=5,
        )
    assert details_of(err.value).reason == "SCENE_NOT_IN_STORY"


async def test_bible_is_versioned_and_copied_to_forks(stub: Stub) -> None:
    owner = _owner()
    story = await _story(stub, owner)
    bible = (await stub.GetStoryBible(svc_pb2.GetStoryBibleRequest(owner_id=owner, story_id=story.story_id))).bible
    assert bible.version == 1 and not bible.characters
    bible.characters.add(
        entity_id="char-1",
        name="Meena",
        aliases=[pb.Name(script="Telu", text="మీనా"), pb.Name(script="Deva", text="मीना")],
        role="girl",
        gender=pb.GENDER_FEMALE,
        age_band=pb.AGE_BAND_CHILD,
        clothing="red saree",
        colors=["red"],
    )
    stored = (await stub.UpdateStoryBible(svc_pb2.UpdateStoryBibleRequest(owner_id=owner, bible=bible))).bible
    assert stored.version == 2 and stored.characters[0].aliases[0].text == "మీనా"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.UpdateStoryBible(svc_pb2.UpdateStoryBibleRequest(owner_id=owner, bible=bible))
    assert err.value.code() == grpc.StatusCode.ABORTED
    assert details_of(err.value).metadata["resource"] == "bible"
    bad = pb.StoryBible(story_id=story.story_id, version=2, characters=[pb.Character(entity_id="c", name="")])
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.UpdateStoryBible(svc_pb2.UpdateStoryBibleRequest(owner_id=owner, bible=bad))
    assert details_of(err.value).reason == "INVALID_BIBLE"
    fork = (
        await stub.ForkStory(
            svc_pb2.ForkStoryRequest(owner_id=owner, story_id=story.story_id, scene_id=story.scenes[0].scene_id)
        )
    ).story
    forked = (await stub.GetStoryBible(svc_pb2.GetStoryBibleRequest(owner_id=owner, story_id=fork.story_id))).bible
    assert forked.story_id == fork.story_id
    assert list(forked.characters) == list(stored.characters)


async def test_list_stories_pages_by_owner(stub: Stub) -> None:
    owner = _owner()
    made = [await _story(stub, owner, n=i + 1) for i in range(3)]
    await _story(stub, _owner())
    first = await stub.ListStories(svc_pb2.ListStoriesRequest(owner_id=owner, page_size=2))
    second = await stub.ListStories(
        svc_pb2.ListStoriesRequest(owner_id=owner, page_size=2, page_token=first.next_page_token)
    )
    assert second.next_page_token == ""
    listed = [s.story_id for s in [*first.stories, *second.stories]]
    assert listed == [s.story_id for s in reversed(made)]
    assert [s.scene_count for s in [*first.stories, *second.stories]] == [3, 2, 1]


async def test_watch_replays_by_sequence_and_events_reach_nats(stub: Stub, infra: InfraUrls) -> None:
    owner = _owner()
    story = await _story(stub, owner)
    nc = await nats.connect(infra.nats_url)
    try:
        js = nc.jetstream()
        sub = await js.subscribe(subject(story.story_id), ordered_consumer=True)
        ids = [s.scene_id for s in story.scenes]
        await stub.ReorderScenes(
            svc_pb2.ReorderScenesRequest(
                owner_id=owner, story_id=story.story_id, version=1, scene_ids=list(reversed(ids))
            )
        )
        seen = [pb.StoryEvent.FromString((await sub.next_msg(timeout=10)).data) for _ in range(2)]
        assert [(e.sequence, e.type) for e in seen] == [
            (1, pb.STORY_EVENT_TYPE_CREATED),
            (2, pb.STORY_EVENT_TYPE_SCENES_REORDERED),
        ]
        assert list(seen[1].scene_ids) == list(reversed(ids))
    finally:
        await nc.close()

    stream = stub.WatchStory(svc_pb2.WatchStoryRequest(owner_id=owner, story_id=story.story_id, after_sequence=1))
    first = await stream.read()
    assert isinstance(first, svc_pb2.WatchStoryResponse)
    assert first.event.sequence == 2
    await stub.DeleteStory(svc_pb2.DeleteStoryRequest(owner_id=owner, story_id=story.story_id, version=2))
    rest = [r.event async for r in stream]
    assert [(e.sequence, e.type) for e in rest] == [(3, pb.STORY_EVENT_TYPE_DELETED)]

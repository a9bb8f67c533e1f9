"""A three-scene story (Telugu, Hindi, Telugu) through the real language, analysis, prompt and generation services.

One character, named in the first scene, referred to by a Hindi pronoun in the second and by her
Telugu name in the third, must carry one entity id across the three; a later scene that contradicts
the bible carries a warning; the breakdown has one strip per scene with the expected values;
RenderStory makes one job per scene, each carrying the bible's cast, so the storyboard draws the
character in the same colours in all three; a re-render after one scene changed makes one job.
The generation service runs without workers here: the jobs are created, not rendered.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Callable

import grpc
import pytest
import pytest_asyncio
from google.protobuf import json_format

from drishya.analysis.v1 import analysis_service_pb2 as an_svc
from drishya.analysis.v1 import analysis_service_pb2_grpc as an_grpc
from drishya.generation.v1 import generation_service_pb2 as gen_svc
from drishya.generation.v1 import generation_service_pb2_grpc as gen_grpc
from drishya.language.v1 import language_service_pb2 as lang_svc
from drishya.language.v1 import language_service_pb2_grpc as lang_grpc
from drishya.prompt.v1 import prompt_service_pb2 as prompt_svc
from drishya.prompt.v1 import prompt_service_pb2_grpc as prompt_grpc
from drishya.story.v1 import story_pb2 as pb
from drishya.story.v1 import story_service_pb2 as svc_pb2
from drishya.story.v1 import story_service_pb2_grpc as svc_grpc
from services.analysis.config import AnalysisConfig
from services.analysis.server import create_server as analysis_server
from services.generation.cast import apply_cast
from services.generation.config import GenerationConfig
from services.generation.server import create_server as generation_server
from services.language.config import LanguageConfig
from services.language.server import create_server as language_server
from services.mesh.channels import channel
from services.mesh.errors import details_of
from services.mesh.infra import InfraUrls
from services.mesh.server import MeshServer
from services.prompt.config import PromptConfig
from services.prompt.server import create_server as prompt_server
from services.render.storyboard.compose import cast_of
from services.render.storyboard.scene import scene_of
from services.story import breakdown
from services.story.config import StoryConfig
from services.story.server import create_server

Stub = svc_grpc.StoryServiceStub
SCENES = [
    ("మీనా అనే అమ్మాయి ఎర్ర చీర కట్టుకుని తోటలో నడుస్తోంది.", "te"),  # Meena, a girl in a red saree, walks in the garden.
    ("वह रात को बारिश में नाचती है।", "hi"),  # She dances in the rain at night.
    ("సాయంత్రం మీనా ఇంటికి తిరిగి వచ్చింది.", "te"),  # In the evening Meena came back home.
]


@pytest_asyncio.fixture(scope="module")
async def servers(
    make_database: Callable[[str], str], infra: InfraUrls, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[dict[str, MeshServer]]:
    database_url = make_database("storybible")
    started: dict[str, MeshServer] = {}
    started["language"] = await language_server(LanguageConfig(port=0), redis_url=infra.redis_url)
    started["analysis"] = await analysis_server(AnalysisConfig(port=0))
    started["prompt"] = await prompt_server(PromptConfig(port=0))
    addr = {name: f"127.0.0.1:{s.port}" for name, s in started.items()}
    started["generation"] = await generation_server(
        GenerationConfig(
            port=0,
            media_root=tmp_path_factory.mktemp("story-media"),
            language_addr=addr["language"],
            analysis_addr=addr["analysis"],
            prompt_addr=addr["prompt"],
            moderation_addr="127.0.0.1:9",  # never called: no workers
            delivery_addr="127.0.0.1:9",
            workers=0,
        ),
        database_url=database_url,
        nats_url=infra.nats_url,
    )
    config = StoryConfig(
        port=0,
        language_addr=addr["language"],
        analysis_addr=addr["analysis"],
        generation_addr=f"127.0.0.1:{started['generation'].port}",
    )
    started["story"] = await create_server(config, database_url=database_url, nats_url=infra.nats_url)
    yield started
    for s in reversed(started.values()):
        await s.stop(0.5)


@pytest_asyncio.fixture(scope="module")
async def stub(servers: dict[str, MeshServer]) -> AsyncIterator[Stub]:
    ch = channel(f"127.0.0.1:{servers['story'].port}")
    yield Stub(ch)
    await ch.close()


@pytest_asyncio.fixture(scope="module")
async def analyzed(stub: Stub) -> tuple[str, svc_pb2.AnalyzeStoryResponse]:
    owner = f"key-{uuid.uuid4().hex[:8]}"
    story = (
        await stub.CreateStory(
            svc_pb2.CreateStoryRequest(
                owner_id=owner,
                title="మీనా",
                scenes=[svc_pb2.NewScene(text=t, language_code=lang) for t, lang in SCENES],
            )
        )
    ).story
    resp = await stub.AnalyzeStory(svc_pb2.AnalyzeStoryRequest(owner_id=owner, story_id=story.story_id), timeout=120)
    return owner, resp


async def test_one_character_id_across_three_scenes_and_two_languages(
    analyzed: tuple[str, svc_pb2.AnalyzeStoryResponse],
) -> None:
    _, resp = analyzed
    assert [list(s.character_ids) for s in resp.story.scenes] == [["char-1"]] * 3
    assert all(s.analyzed and not s.warnings for s in resp.story.scenes)
    [meena] = resp.bible.characters
    assert meena.entity_id == "char-1"
    assert meena.name == "Mina"
    assert pb.Name(script="Telu", text="మీనా") in meena.aliases
    assert (meena.role, meena.gender, meena.age_band) == ("girl", pb.GENDER_FEMALE, pb.AGE_BAND_CHILD)
    assert (meena.clothing, list(meena.colors)) == ("saree", ["red"])
    assert meena.voice == "f1"
    assert [loc.name for loc in resp.bible.locations] == ["garden", "house"]
    assert resp.bible.version == 2  # filled once from the analysis
    assert resp.story.version == 2


async def test_analysis_is_idempotent_and_a_contradiction_warns(
    stub: Stub, analyzed: tuple[str, svc_pb2.AnalyzeStoryResponse]
) -> None:
    owner, first = analyzed
    sid = first.story.story_id
    again = await stub.AnalyzeStory(svc_pb2.AnalyzeStoryRequest(owner_id=owner, story_id=sid), timeout=60)
    assert again.story.version == first.story.version and again.bible == first.bible
    added = await stub.AddScene(
        svc_pb2.AddSceneRequest(
            owner_id=owner,
            story_id=sid,
            version=again.story.version,
            scene=svc_pb2.NewScene(text="మీనా నీలం చీర కట్టుకుని తోటలో నడిచింది.", language_code="te"),
        )
    )
    assert not added.scene.analyzed
    resp = await stub.AnalyzeStory(svc_pb2.AnalyzeStoryRequest(owner_id=owner, story_id=sid), timeout=60)
    last = resp.story.scenes[-1]
    assert list(last.character_ids) == ["char-1"]
    assert [(w.entity_id, w.attribute, w.bible_value, w.scene_value) for w in last.warnings] == [
        ("char-1", "colors", "red", "blue")
    ]
    assert list(resp.bible.characters[0].colors) == ["red"]  # the bible stays the reference
    await stub.DeleteScene(
        svc_pb2.DeleteSceneRequest(owner_id=owner, story_id=sid, scene_id=last.scene_id, version=resp.story.version)
    )


async def test_breakdown_csv_and_json(stub: Stub, analyzed: tuple[str, svc_pb2.AnalyzeStoryResponse]) -> None:
    owner, first = analyzed
    resp = await stub.ExportBreakdown(
        svc_pb2.ExportBreakdownRequest(owner_id=owner, story_id=first.story.story_id), timeout=60
    )
    got = [(s.scene_number, s.int_ext, s.set, s.time_of_day, [c.entity_id for c in s.cast]) for s in resp.strips]
    assert got == [
        (1, "EXT", "garden", "DAY", ["char-1"]),
        (2, "EXT", "unspecified", "NIGHT", ["char-1"]),
        (3, "EXT", "house", "DUSK", ["char-1"]),
    ]
    assert [s.synopsis for s in resp.strips] == [t for t, _ in SCENES]
    assert all(s.synopsis_english and s.cast[0].name == "Mina" for s in resp.strips)
    assert "saree" in resp.strips[0].props
    assert all(s.screen_time_s > 0 and s.page_eighths == breakdown.page_eighths(s.screen_time_s) for s in resp.strips)
    assert resp.csv.startswith(b"\xef\xbb\xbf")
    text = resp.csv.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(f'"{c}"' for c in breakdown.COLUMNS)
    assert all(line.startswith('"') and line.endswith('"') for line in text.splitlines())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["scene_number"] for r in rows] == ["1", "2", "3"]
    assert rows[1]["synopsis"] == SCENES[1][0] and rows[1]["time_of_day"] == "NIGHT"
    assert rows[2]["cast_ids"] == "char-1" and rows[2]["cast_names"] == "Mina"
    as_json = json.loads(json_format.MessageToJson(resp))
    assert [s["sceneNumber"] for s in as_json["strips"]] == [1, 2, 3]


async def test_breakdown_follows_a_reorder_without_analysing_again(
    stub: Stub, analyzed: tuple[str, svc_pb2.AnalyzeStoryResponse]
) -> None:
    owner, first = analyzed
    sid = first.story.story_id
    story = (await stub.GetStory(svc_pb2.GetStoryRequest(owner_id=owner, story_id=sid))).story
    order = [s.scene_id for s in story.scenes]
    await stub.ReorderScenes(
        svc_pb2.ReorderScenesRequest(
            owner_id=owner, story_id=sid, version=story.version, scene_ids=[order[2], order[0], order[1]]
        )
    )
    resp = await stub.ExportBreakdown(svc_pb2.ExportBreakdownRequest(owner_id=owner, story_id=sid), timeout=60)
    assert [s.scene_id for s in resp.strips] == [order[2], order[0], order[1]]
    assert [s.scene_number for s in resp.strips] == [1, 2, 3]
    assert [s.time_of_day for s in resp.strips] == ["DUSK", "DAY", "NIGHT"]


async def test_breakdown_of_another_owners_story_is_not_found(
    stub: Stub, analyzed: tuple[str, svc_pb2.AnalyzeStoryResponse]
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.ExportBreakdown(
            svc_pb2.ExportBreakdownRequest(owner_id="someone-else", story_id=analyzed[1].story.story_id)
        )
    assert err.value.code() == grpc.StatusCode.NOT_FOUND


async def _drawn_figures(servers: dict[str, MeshServer], job: gen_svc.GetJobResponse, text: str, lang: str) -> list:
    """The storyboard's figures of a job's first shot, built as a worker builds them: translation,
    analysis, the job's cast applied, the prompt service's shot list, then the storyboard's cast."""
    addr = {name: f"127.0.0.1:{s.port}" for name, s in servers.items()}
    async with channel(addr["language"]) as lc, channel(addr["analysis"]) as ac, channel(addr["prompt"]) as pc:
        tr = await lang_grpc.LanguageServiceStub(lc).Translate(
            lang_svc.TranslateRequest(text=text, source_language_code=lang, target_language_code="en"), timeout=60
        )
        analysis = (
            await an_grpc.AnalysisServiceStub(ac).AnalyzeScene(
                an_svc.AnalyzeSceneRequest(
                    english_text=tr.text,
                    source_text=text,
                    language_code=lang,
                    english_segments=[s.text for s in tr.segments],
                    segments=tr.segments,
                ),
                timeout=60,
            )
        ).analysis
        shots = (
            await prompt_grpc.PromptServiceStub(pc).BuildPrompt(
                prompt_svc.BuildPromptRequest(
                    analysis=apply_cast(analysis, job.job.options.cast), provider="storyboard"
                ),
                timeout=60,
            )
        ).shot_list
    return [f for i in range(len(shots.shots)) for f in cast_of(shots, i, scene_of(shots))]


async def test_render_story_passes_the_bible_so_the_character_looks_the_same(
    stub: Stub, servers: dict[str, MeshServer], analyzed: tuple[str, svc_pb2.AnalyzeStoryResponse]
) -> None:
    owner, first = analyzed
    sid = first.story.story_id
    resp = await stub.RenderStory(svc_pb2.RenderStoryRequest(owner_id=owner, story_id=sid, plan="pro"), timeout=120)
    story = resp.story
    assert len(resp.renders) == 3 and not any(r.reused for r in resp.renders)
    assert len({r.job_id for r in resp.renders}) == 3
    assert [s.job_id for s in story.scenes] == [r.job_id for r in resp.renders]
    looks = []
    async with channel(f"127.0.0.1:{servers['generation'].port}") as gc:
        gen = gen_grpc.GenerationServiceStub(gc)
        for scene in story.scenes:
            job = await gen.GetJob(gen_svc.GetJobRequest(owner_id=owner, job_id=scene.job_id), timeout=10)
            assert {c.entity_id for c in job.job.options.cast} == {"char-1"}
            assert job.job.options.priority == 5, "the story's jobs follow the owner's plan (pro)"
            assert all(list(c.attributes) == ["girl", "red saree"] for c in job.job.options.cast)
            figures = await _drawn_figures(servers, job, scene.text, scene.language_code)
            meena = [f for f in figures if f.entity_id == "char-1"]
            assert meena, f"no figure of char-1 in {scene.text}"
            looks += [(f.clothes, f.skin, f.female, f.height) for f in meena]
    assert len(set(looks)) == 1  # the same colours, build and skin in every shot of every scene

    # Nothing changed: every scene keeps its job.
    again = await stub.RenderStory(svc_pb2.RenderStoryRequest(owner_id=owner, story_id=sid, plan="pro"), timeout=120)
    assert [r.reused for r in again.renders] == [True, True, True]
    assert [r.job_id for r in again.renders] == [r.job_id for r in resp.renders]

    # One scene changes: only it gets a new job.
    hindi = next(i for i, s in enumerate(again.story.scenes) if s.language_code == "hi")
    changed = again.story.scenes[hindi]
    await stub.UpdateScene(
        svc_pb2.UpdateSceneRequest(
            owner_id=owner, story_id=sid, scene_id=changed.scene_id, version=changed.version, text="वह बारिश में गाती है।"
        )
    )
    third = await stub.RenderStory(svc_pb2.RenderStoryRequest(owner_id=owner, story_id=sid, plan="pro"), timeout=120)
    assert [r.reused for r in third.renders] == [i != hindi for i in range(3)]
    assert third.renders[hindi].job_id not in {r.job_id for r in resp.renders}
    assert [list(s.character_ids) for s in third.story.scenes] == [["char-1"]] * 3


async def test_playback_waits_for_every_scene_to_be_rendered(
    stub: Stub, analyzed: tuple[str, svc_pb2.AnalyzeStoryResponse]
) -> None:
    owner, first = analyzed
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.GetPlayback(svc_pb2.GetPlaybackRequest(owner_id=owner, story_id=first.story.story_id), timeout=30)
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    d = details_of(err.value)
    assert d.reason == "STORY_NOT_RENDERED" and d.metadata == {"pending": "3", "scenes": "3"}

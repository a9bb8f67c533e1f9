"""End to end: sentences the glossary glosses to nothing (an interjection, a bare year) still make a video.

Both texts once ended FAILED at the analyze stage ("the scene text is empty"). Each must now
succeed over HTTP, and its MP4 must decode with the planned length, a narration track with sound
and burnt-in subtitles for every shot, with the user's words all narrated.
"""

from __future__ import annotations

import uuid

import av
import numpy as np
import pytest
import sqlalchemy as sa

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.prompt.v1 import prompt_pb2
from services.cli.local import LocalMesh
from services.mesh.db import create_engine
from services.render import storyboard
from services.scene.text import squash
from tests.e2e.conftest import submit_and_follow

pytestmark = pytest.mark.e2e

TEXTS = {
    "te": "సరే! ఒక అబ్బాయి బడికి వెళ్తున్నాడు.",
    "hi": "रात को एक बूढ़ा आदमी जंगल में चल रहा है। 2024",
}


async def _shot_list(database_url: str, job_id: str) -> prompt_pb2.ShotList:
    engine = create_engine(database_url, pool_size=1)
    async with engine.connect() as conn:
        payload = (
            await conn.execute(
                sa.text("SELECT payload FROM generation.stage_outputs WHERE job_id = :id AND stage = :s"),
                {"id": uuid.UUID(job_id), "s": gen_pb2.STAGE_BUILD_PROMPT},
            )
        ).scalar_one()
    await engine.dispose()
    return prompt_pb2.ShotList.FromString(bytes(payload))


@pytest.mark.parametrize("language", sorted(TEXTS))
async def test_text_not_understood_still_makes_a_narrated_subtitled_video(
    language: str, http, mesh: LocalMesh, infra
) -> None:  # type: ignore[no-untyped-def]
    text = TEXTS[language]
    run = await submit_and_follow(http, text, key=f"e2e-{uuid.uuid4()}")
    assert run.created.status_code == 201
    assert run.job["state"] == "JOB_STATE_SUCCEEDED", run.job
    assert run.job["language_code"] == language

    shot_list = await _shot_list(infra.database_url, run.job_id)
    assert squash("".join(s.narration for s in shot_list.shots)) == squash(text)
    assert all(s.subtitle.strip() and s.visual_prompt.strip() for s in shot_list.shots)

    path = mesh.media_root / run.job["result"]["mp4_key"]
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    with av.open(str(path)) as container:
        pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    planned_s = shot_list.total_duration_ms / 1000
    assert abs(len(frames) / 24 - planned_s) <= 0.10 * planned_s
    assert np.sqrt(np.mean(np.square(pcm.astype(np.float64)))) > 0.01  # narration is heard

    top, bottom = storyboard.SUBTITLE_BAND
    for i, shot in enumerate(shot_list.shots):
        t_s = shot.duration_ms / 2000
        decoded = frames[round((shot.start_ms / 1000 + t_s) * 24)].astype(np.int16)
        bare = np.asarray(storyboard.draw_frame(shot_list, i, t_s, subtitles=False), dtype=np.int16)
        changed = np.abs(decoded[top:bottom] - bare[top:bottom]).max(axis=-1) > 60
        assert changed.sum() > 200, i  # its subtitle's glyphs are on screen
        assert np.abs(decoded[:top] - bare[:top]).mean() < 8.0, i  # and nothing else changed

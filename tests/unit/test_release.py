"""Which media keys are a job's (and so checked for release), and the gateway's memory of answers."""

from __future__ import annotations

import uuid

import pytest

from services.gateway.release import ReleaseCache, job_of
from services.gateway.signing import sign, signed_path, verify

JOB = str(uuid.uuid4())


@pytest.mark.parametrize(
    "key",
    [
        f"jobs/{JOB}/video.mp4",
        f"jobs/{JOB}/poster.jpg",
        f"jobs/{JOB}/hls/master.m3u8",
        f"jobs/{JOB}/hls/720p/index.m3u8",
        f"jobs/{JOB}/hls/360p/segment_00003.ts",
        f"jobs/{JOB.upper()}/hls/720p/segment_00000.ts",
    ],
)
def test_every_file_of_a_job_is_checked(key: str) -> None:
    assert job_of(key) == JOB


@pytest.mark.parametrize(
    "key", [f"stories/{JOB}/playback/abc/master.m3u8", f"jobs/{JOB}", "jobs/not-a-uuid/video.mp4", "video.mp4"]
)
def test_other_keys_are_not_a_jobs_media(key: str) -> None:
    assert job_of(key) is None


async def test_answers_are_remembered_until_forgotten() -> None:
    calls: list[str] = []

    async def fetch(job_id: str) -> bool:
        calls.append(job_id)
        return len(calls) > 1

    cache = ReleaseCache(ttl_s=60)
    assert await cache.released(JOB, fetch) is False
    assert await cache.released(JOB, fetch) is False and calls == [JOB], "remembered"
    cache.forget(JOB)
    assert await cache.released(JOB, fetch) is True and len(calls) == 2


async def test_a_failed_question_is_not_remembered() -> None:
    async def down(job_id: str) -> bool:
        raise ConnectionError("generation service down")

    cache = ReleaseCache()
    with pytest.raises(ConnectionError):
        await cache.released(JOB, down)

    async def up(job_id: str) -> bool:
        return True

    assert await cache.released(JOB, up) is True


def test_a_review_grant_never_verifies_as_an_ordinary_one() -> None:
    secret = b"s" * 32
    key = f"jobs/{JOB}/video.mp4"
    exp = 4_000_000_000
    review_sig = sign(secret, key, exp, scope="review")
    assert verify(secret, key, str(exp), review_sig, scope="review") is None
    assert verify(secret, key, str(exp), review_sig) == "MEDIA_SIGNATURE_INVALID"
    assert verify(secret, key, str(exp), sign(secret, key, exp), scope="review") == "MEDIA_SIGNATURE_INVALID"
    assert signed_path(secret, key, exp, scope="review").endswith("&scope=review")

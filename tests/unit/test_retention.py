"""The retention policy (pure): who loses media when, the 720p trim plan, orphans, configuration."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.delivery import hls
from services.generation.config import GenerationConfig
from services.generation.retention import (
    Action,
    JobFacts,
    RetentionPolicy,
    decide,
    is_stale_orphan,
    orphan_ids,
    plan_trim,
)
from services.mesh.config import ConfigError

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
POLICY = RetentionPolicy()
JOB = uuid.UUID("00000000-0000-4000-8000-000000000001")

MASTER = (
    "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n"
    '#EXT-X-STREAM-INF:BANDWIDTH=2800000,AVERAGE-BANDWIDTH=2500000,RESOLUTION=1280x720,FRAME-RATE=24.000,CODECS="avc1.64001f,mp4a.40.2"\n'
    "720p/index.m3u8\n"
    '#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=800000,RESOLUTION=640x360,FRAME-RATE=24.000,CODECS="avc1.64001e,mp4a.40.2"\n'
    "360p/index.m3u8\n"
)
KEYS = [
    f"jobs/{JOB}/video.mp4",
    f"jobs/{JOB}/poster.jpg",
    f"jobs/{JOB}/thumbs/thumb_000.jpg",
    f"jobs/{JOB}/hls/master.m3u8",
    f"jobs/{JOB}/hls/720p/index.m3u8",
    f"jobs/{JOB}/hls/720p/seg_000.ts",
    f"jobs/{JOB}/hls/360p/index.m3u8",
    f"jobs/{JOB}/hls/360p/seg_000.ts",
    f"jobs/{JOB}/hls/360p/seg_001.ts",
]


def _job(state: int, age_days: float, **kw: bool) -> JobFacts:
    return JobFacts(job_id=JOB, state=state, updated_at=NOW - dt.timedelta(days=age_days), **kw)


@pytest.mark.parametrize("state", [4, 5, 6, 7])  # BLOCKED, CANCELLED, FAILED, DEAD_LETTER
def test_failed_media_go_after_seven_days_and_not_before(state: int) -> None:
    assert decide(_job(state, 7.01), NOW, POLICY) is Action.DELETE_MEDIA
    assert decide(_job(state, 6.99), NOW, POLICY) is Action.NONE


def test_succeeded_content_is_trimmed_after_180_days_only() -> None:
    assert decide(_job(3, 180.5), NOW, POLICY) is Action.TRIM
    assert decide(_job(3, 179.5), NOW, POLICY) is Action.NONE
    assert decide(_job(3, 400, media_trimmed=True), NOW, POLICY) is Action.NONE


@pytest.mark.parametrize("state", [1, 2])  # QUEUED, RUNNING: never
def test_live_jobs_are_never_touched(state: int) -> None:
    assert decide(_job(state, 1000), NOW, POLICY) is Action.NONE


def test_review_appeal_takedown_and_done_jobs_are_protected() -> None:
    assert decide(_job(8, 1000), NOW, POLICY) is Action.NONE  # IN_REVIEW
    assert decide(_job(4, 30, pending_review=True), NOW, POLICY) is Action.NONE  # appealed block
    assert decide(_job(3, 365, pending_review=True), NOW, POLICY) is Action.NONE  # reported video
    assert decide(_job(3, 365, taken_down=True), NOW, POLICY) is Action.NONE
    assert decide(_job(6, 30, media_deleted=True), NOW, POLICY) is Action.NONE


def test_the_numbers_are_configurable() -> None:
    short = RetentionPolicy(failed_days=1, trim_days=2)
    assert decide(_job(6, 1.5), NOW, short) is Action.DELETE_MEDIA
    assert decide(_job(3, 2.5), NOW, short) is Action.TRIM
    assert short.scan_cutoff(NOW) == NOW - dt.timedelta(days=1)
    with pytest.raises(ValueError):
        RetentionPolicy(failed_days=0)
    with pytest.raises(ValueError):
        RetentionPolicy(batch_size=0)


def test_config_reads_the_retention_environment() -> None:
    env = {
        "DRISHYA_RETENTION_FAILED_DAYS": "3",
        "DRISHYA_RETENTION_TRIM_DAYS": "30",
        "DRISHYA_RETENTION_INTERVAL_S": "60",
        "DRISHYA_RETENTION_BATCH": "100",
        "DRISHYA_RETENTION_ENABLED": "false",
    }
    config = GenerationConfig.from_env(env)
    assert config.retention == RetentionPolicy(failed_days=3, trim_days=30, interval_s=60, batch_size=100)
    assert config.retention_enabled is False
    defaults = GenerationConfig.from_env({}).retention
    assert (defaults.failed_days, defaults.trim_days, defaults.interval_s, defaults.batch_size) == (7, 180, 3600, 500)
    with pytest.raises(ConfigError):
        GenerationConfig.from_env({"DRISHYA_RETENTION_BATCH": "0"})


def test_trim_plan_keeps_720p_the_mp4_and_poster() -> None:
    plan = plan_trim(JOB, MASTER, KEYS)
    assert plan.kept == "720p"
    assert plan.removed_renditions == ("360p",)
    assert set(plan.delete_keys) == {k for k in KEYS if "/hls/360p/" in k}
    assert plan.master is not None
    variants = hls.parse_master_playlist(plan.master)
    assert [v["URI"] for v in variants] == ["720p/index.m3u8"]
    assert variants[0]["RESOLUTION"] == "1280x720"
    assert plan.master.startswith("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n")


def test_trim_plan_is_idempotent_and_finishes_a_half_done_trim() -> None:
    once = plan_trim(JOB, MASTER, KEYS)
    assert once.master is not None
    left = [k for k in KEYS if k not in once.delete_keys]
    done = plan_trim(JOB, once.master, left)
    assert (done.delete_keys, done.master) == ((), None)
    half = plan_trim(JOB, once.master, KEYS)  # master rewritten, then a crash before the files went
    assert set(half.delete_keys) == set(once.delete_keys)
    assert half.master is None


def test_trim_plan_without_720p_keeps_the_highest_variant_and_without_master_does_nothing() -> None:
    only_low = MASTER.replace("720p/index.m3u8", "540p/index.m3u8")
    keys = [k.replace("/720p/", "/540p/") for k in KEYS]
    plan = plan_trim(JOB, only_low, keys)
    assert plan.kept == "540p"
    assert plan.removed_renditions == ("360p",)
    empty = plan_trim(JOB, None, KEYS)
    assert (empty.delete_keys, empty.master) == ((), None)


def test_orphans_are_uuid_directories_older_than_the_window() -> None:
    good = str(uuid.uuid4())
    names = [good, f".{good}.abc.tmp", "not-a-job", good.upper()]
    assert orphan_ids(names) == [uuid.UUID(good)]
    assert is_stale_orphan(NOW - dt.timedelta(days=8), NOW, POLICY)
    assert not is_stale_orphan(NOW - dt.timedelta(days=6), NOW, POLICY)
    assert not is_stale_orphan(None, NOW, POLICY)


def test_the_story_service_reads_the_archive_age() -> None:
    from services.story.config import StoryConfig

    config = StoryConfig.from_env({"DRISHYA_RETENTION_ARCHIVE_DAYS": "30", "DRISHYA_RETENTION_INTERVAL_S": "120"})
    assert (config.archive_days, config.archive_interval_s) == (30.0, 120.0)
    assert StoryConfig.from_env({}).archive_days == 90.0
    with pytest.raises(ConfigError):
        StoryConfig.from_env({"DRISHYA_RETENTION_ARCHIVE_DAYS": "0"})

"""Normalisation of provider output: any container, size, rate or length becomes N frames of 1280x720."""

from __future__ import annotations

import pytest

from services.render import storyboard
from services.render.normalise import normalise
from services.render.types import FPS, HEIGHT, WIDTH, Media, ProviderRejected
from tests.fakes import media

BLUE = (40, 160, 220)
RED = (200, 40, 40)


def test_render_types_match_the_storyboard_frame() -> None:
    assert (WIDTH, HEIGHT, FPS) == (storyboard.WIDTH, storyboard.HEIGHT, storyboard.FPS)


@pytest.mark.parametrize(
    ("data", "suffix"),
    [
        (media.video(BLUE, 30, 30, (640, 360)), ".mp4"),
        (media.video(BLUE, 16, 8, (320, 180), fmt="webm"), ".webm"),
        (media.animated(BLUE, 12, 8, "WEBP"), ".webp"),
        (media.animated(BLUE, 12, 8, "GIF"), ".gif"),
    ],
)
def test_containers_become_720p_frames_of_the_source_colour(data: bytes, suffix: str) -> None:
    frames = normalise(Media(data=data, suffix=suffix), 30, provider="fake")
    assert len(frames) == 30
    for f in (frames[0], frames[-1]):
        assert f.shape == (HEIGHT, WIDTH, 3)
        assert media.close_to(f[HEIGHT // 2, WIDTH // 2], BLUE)


def test_other_aspect_is_pillarboxed_without_distortion() -> None:
    square = media.video(RED, 4, 24, (480, 480))
    frame = normalise(Media(data=square, suffix=".mp4"), 1, provider="fake")[0]
    # 480x480 fits as 720x720 centred: black bars of 280 px on each side.
    assert media.close_to(frame[360, 640], RED)
    assert media.close_to(frame[360, 275], RED) is False and frame[360, 275].max() <= 16
    assert media.close_to(frame[360, 300], RED)
    assert frame[360, 1010].max() <= 16


def test_short_clip_holds_its_last_frame_and_long_clip_is_trimmed() -> None:
    # 8 fps source of 4 frames = 0.5 s; 24 output frames = 1 s: the last frame is held.
    seq = Media(frames=tuple(media.png(c, (64, 36)) for c in (RED, RED, BLUE, BLUE)), suffix=".png")
    held = normalise(seq, 48, provider="fake")
    assert media.close_to(held[0][360, 640], RED)
    assert media.close_to(held[-1][360, 640], BLUE)
    long = media.video(BLUE, 240, 24)
    assert len(normalise(Media(data=long, suffix=".mp4"), 24, provider="fake")) == 24


def test_time_is_resampled_to_24_fps() -> None:
    # Two colours, each for 0.5 s at 12 fps: at 24 fps the switch falls at frame 12.
    seq = Media(frames=tuple(media.png(RED if k < 6 else BLUE, (64, 36)) for k in range(12)), suffix=".png")
    frames = normalise(seq, 24, provider="fake")
    # The sequence carries no timing: one still per output frame, then the last one held.
    assert [media.close_to(f[360, 640], RED) for f in frames[:7]] == [True] * 6 + [False]
    # A 12 fps video, red for 0.5 s then blue: at 24 fps each source frame shows twice.
    mp4 = Media(data=media.video([RED] * 6 + [BLUE] * 6, 12, 12), suffix=".mp4")
    timed = normalise(mp4, 24, provider="fake")
    assert [media.close_to(f[360, 640], RED) for f in timed] == [True] * 12 + [False] * 12


@pytest.mark.parametrize("data", [b"", b"this is not a video", b"\x00\x00\x00\x18ftypmp42 truncated"])
def test_undecodable_output_is_a_provider_rejection(data: bytes) -> None:
    with pytest.raises(ProviderRejected) as err:
        normalise(Media(data=data, suffix=".mp4"), 24, provider="fake")
    assert err.value.reason == "OUTPUT_UNDECODABLE"
    assert err.value.metadata["provider"] == "fake"

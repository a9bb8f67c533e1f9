"""Storyboard drawing: light by time of day, weather, figures, camera, subtitles, timeline."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from drishya.analysis.v1 import analysis_pb2 as a
from drishya.language.v1.language_pb2 import CONCEPT_CATEGORY_VEHICLE
from drishya.prompt.v1 import prompt_pb2
from services.render.storyboard import FADE_MS, FPS, HEIGHT, SUBTITLE_BAND, WIDTH, InvalidShotList, draw_frame
from services.render.storyboard.compose import cast_of as compose_cast
from services.render.storyboard.draw import FLASH_MIN_GAP_S, FLASH_PEAK, ShotPainter
from services.render.storyboard.figures import pose_family
from services.render.storyboard.scene import COLOUR_WORDS, Figure, scene_of
from services.render.storyboard.timeline import TAIL_FRAMES, spans, validate

TELUGU = ["సాయంత్రం గుడి దగ్గర వర్షం పడుతోంది", "ఒక అమ్మాయి నాట్యం చేస్తోంది", "ఆమె చాలా సంతోషంగా ఉంది"]


def make_shot_list(
    *,
    time_of_day: int = a.TIME_OF_DAY_EVENING,
    weather: int = a.WEATHER_RAIN,
    location: str = "temple",
    shots: int = 3,
    duration_ms: int = 2000,
    shot_size: int = a.SHOT_SIZE_WIDE,
    movement: int = a.CAMERA_MOVEMENT_STATIC,
    angle: int = a.CAMERA_ANGLE_EYE_LEVEL,
    transitions: tuple[int, ...] = (a.TRANSITION_CROSSFADE, a.TRANSITION_FADE_TO_BLACK, a.TRANSITION_CUT),
    prompt: str = "a young girl in a red sari dancing in the rain near a temple",
    with_girl: bool = True,
    action: str = "dance",
    palette: tuple[str, ...] = ("#f4a261", "#e76f51", "#2a9d8f", "#264653"),
) -> prompt_pb2.ShotList:
    """A Telugu shot list: evening, rain, temple and a dancing girl unless told otherwise."""
    sl = prompt_pb2.ShotList(language_code="te", provider="storyboard", quality_score=0.9)
    sl.setting.CopyFrom(a.Setting(location=location, time_of_day=time_of_day, weather=weather))  # type: ignore[arg-type]
    sl.mood.CopyFrom(
        a.Mood(
            tone="joyful",
            style="cinematic",
            lighting="golden hour",
            palette=list(palette),
            intensity=0.7,
            pace=a.PACE_MEDIUM,
            sentiment=0.6,
        )
    )
    sl.entities.add(id="character-girl", kind=a.ENTITY_KIND_CHARACTER, name="girl", attributes=["young", "red sari"])
    sl.entities.add(id="location-temple", kind=a.ENTITY_KIND_LOCATION, name="temple")
    start = 0
    for i in range(shots):
        shot = sl.shots.add(
            index=i,
            visual_prompt=prompt,
            negative_prompt="text, watermark",
            start_ms=start,
            duration_ms=duration_ms,
            narration=TELUGU[i % 3],
            subtitle=TELUGU[i % 3],
            entity_ids=["character-girl"] if with_girl else [],
            action=action if with_girl else "",
        )
        shot.camera.CopyFrom(
            a.Camera(
                shot_size=shot_size,  # type: ignore[arg-type]
                movement=movement,  # type: ignore[arg-type]
                angle=angle,  # type: ignore[arg-type]
                transition=transitions[i % len(transitions)],  # type: ignore[arg-type]
                focus_entity_id="character-girl" if with_girl else "",
            )
        )
        start += duration_ms
    sl.total_duration_ms = start
    return sl


def arr(image: object) -> np.ndarray:
    return np.asarray(image, dtype=np.float32)


def mad(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.abs(x - y)))


def test_frame_is_rgb_at_output_size_and_deterministic() -> None:
    sl = make_shot_list()
    first = draw_frame(sl, 1, 0.5)
    assert first.mode == "RGB"
    assert first.size == (WIDTH, HEIGHT)
    fresh = ShotPainter(sl, 1).frame(0.5)
    assert np.array_equal(arr(first), arr(fresh))


def test_night_is_darker_than_noon() -> None:
    night = draw_frame(
        make_shot_list(time_of_day=a.TIME_OF_DAY_NIGHT, weather=a.WEATHER_CLEAR), 0, 0.5, subtitles=False
    )
    noon = draw_frame(make_shot_list(time_of_day=a.TIME_OF_DAY_NOON, weather=a.WEATHER_CLEAR), 0, 0.5, subtitles=False)
    assert arr(noon).mean() - arr(night).mean() > 60


def test_times_of_day_have_distinct_skies() -> None:
    skies = {}
    for tod in (a.TIME_OF_DAY_DAWN, a.TIME_OF_DAY_MORNING, a.TIME_OF_DAY_EVENING, a.TIME_OF_DAY_NIGHT):
        frame = draw_frame(make_shot_list(time_of_day=tod, weather=a.WEATHER_CLEAR), 0, 0.0, subtitles=False)
        skies[tod] = arr(frame)[:120].reshape(-1, 3).mean(axis=0)
    evening, morning = skies[a.TIME_OF_DAY_EVENING], skies[a.TIME_OF_DAY_MORNING]
    assert morning[2] > morning[0]  # a blue morning sky
    assert evening[0] - evening[2] > morning[0] - morning[2] + 20  # warmer at evening
    assert skies[a.TIME_OF_DAY_NIGHT].mean() < 60


def test_rain_overlay_changes_frames_and_moves() -> None:
    clear = make_shot_list(weather=a.WEATHER_CLEAR, with_girl=False, prompt="a temple at evening")
    rain = make_shot_list(weather=a.WEATHER_RAIN, with_girl=False, prompt="rain over a temple")
    assert mad(arr(draw_frame(clear, 0, 0.5, subtitles=False)), arr(draw_frame(rain, 0, 0.5, subtitles=False))) > 5
    # static camera, nobody in shot: only the rain moves between frames
    r0, r1 = arr(draw_frame(rain, 0, 0.5, subtitles=False)), arr(draw_frame(rain, 0, 0.75, subtitles=False))
    c0, c1 = arr(draw_frame(clear, 0, 0.5, subtitles=False)), arr(draw_frame(clear, 0, 0.75, subtitles=False))
    assert mad(c0, c1) == 0.0
    assert mad(r0, r1) > 1.0


def test_dancing_figure_moves_and_differs_from_standing() -> None:
    dance = make_shot_list(weather=a.WEATHER_CLEAR, shot_size=a.SHOT_SIZE_MEDIUM)
    stand = make_shot_list(weather=a.WEATHER_CLEAR, shot_size=a.SHOT_SIZE_MEDIUM, action="stand")
    d0, d1 = arr(draw_frame(dance, 0, 0.0, subtitles=False)), arr(draw_frame(dance, 0, 0.25, subtitles=False))
    s0, s1 = arr(draw_frame(stand, 0, 0.0, subtitles=False)), arr(draw_frame(stand, 0, 0.25, subtitles=False))
    assert mad(d0, d1) > 3 * max(mad(s0, s1), 0.2)
    assert mad(d0, s0) > 2


def cast_of(sl: prompt_pb2.ShotList, index: int) -> list[Figure]:
    return compose_cast(sl, index, scene_of(sl))


def test_cast_uses_entity_ids_prompt_names_and_actions() -> None:
    sl = make_shot_list()
    cast = cast_of(sl, 0)
    assert [f.entity_id for f in cast] == ["character-girl"]
    assert cast[0].action == "dance" and cast[0].female
    assert cast[0].clothes == (200, 40, 45)  # "red sari"
    sl.shots[0].visual_prompt = "two boys running to the river"  # the prose is never read
    assert [(f.entity_id, f.action) for f in cast_of(sl, 0)] == [("character-girl", "dance")]
    sl.shots[0].ClearField("entity_ids")
    assert cast_of(sl, 0) == []
    assert pose_family("run") == "run" and pose_family("wave") == "wave" and pose_family("crash") == "stand"
    assert scene_of(make_shot_list(location="temple by the river")).features == frozenset({"temple", "river"})


def test_animals_and_props_are_drawn() -> None:
    sl = make_shot_list(weather=a.WEATHER_CLEAR, with_girl=False, prompt="a quiet temple courtyard")
    plain = arr(draw_frame(sl, 0, 0.3, subtitles=False))
    sl.entities.add(id="animal-elephant", kind=a.ENTITY_KIND_ANIMAL, name="elephant")
    sl.entities.add(id="object-lamp", kind=a.ENTITY_KIND_OBJECT, name="oil lamp")
    sl.shots[0].entity_ids.extend(["animal-elephant", "object-lamp"])
    icons = {f.icon for f in cast_of(sl, 0)}
    assert icons == {"elephant", "diya-lamp"}  # named without concept ids: found by their terms
    assert mad(plain, arr(draw_frame(sl, 0, 0.3, subtitles=False))) > 2


def test_settings_draw_different_places() -> None:
    frames = [
        arr(
            draw_frame(
                make_shot_list(location=loc, weather=a.WEATHER_CLEAR, with_girl=False, prompt="an empty place"),
                0,
                0.0,
                subtitles=False,
            )
        )
        for loc in ("temple", "city street", "beach", "forest", "village", "house")
    ]
    for i in range(len(frames)):
        for j in range(i + 1, len(frames)):
            assert mad(frames[i], frames[j]) > 5, (i, j)


def test_mood_palette_tints_the_frame() -> None:
    warm = make_shot_list(weather=a.WEATHER_CLEAR, palette=("#ff2000", "#ff8040", "#400000"))
    cool = make_shot_list(weather=a.WEATHER_CLEAR, palette=("#0040ff", "#40a0ff", "#000040"))
    w = arr(draw_frame(warm, 0, 0.0, subtitles=False)).reshape(-1, 3).mean(axis=0)
    c = arr(draw_frame(cool, 0, 0.0, subtitles=False)).reshape(-1, 3).mean(axis=0)
    assert (w[0] - w[2]) - (c[0] - c[2]) > 15


def _horizon_row(frame: np.ndarray, column: int) -> int:
    """The first row from the top where brightness steps by more than 20 (sky → sea at the beach)."""
    lum = frame[: SUBTITLE_BAND[0], column - 2 : column + 3].mean(axis=(1, 2))
    return int(np.flatnonzero(np.abs(np.diff(lum)) > 20)[0])


def test_angles_move_and_roll_the_horizon() -> None:
    def frame(angle: int) -> np.ndarray:
        sl = make_shot_list(
            location="beach",
            time_of_day=a.TIME_OF_DAY_NOON,
            weather=a.WEATHER_CLEAR,
            with_girl=False,
            prompt="the sea at noon",
            angle=angle,
        )
        del sl.entities[1]  # no temple: an empty beach (a second place would stand on it as a landmark)
        return arr(draw_frame(sl, 0, 0.0, subtitles=False))

    level, low, high, dutch = (
        frame(x) for x in (a.CAMERA_ANGLE_EYE_LEVEL, a.CAMERA_ANGLE_LOW, a.CAMERA_ANGLE_HIGH, a.CAMERA_ANGLE_DUTCH)
    )
    assert abs(_horizon_row(level, 400) - _horizon_row(level, 880)) <= 2
    assert _horizon_row(low, 640) > _horizon_row(level, 640) + 40 > _horizon_row(high, 640) + 80
    tilt = _horizon_row(dutch, 880) - _horizon_row(dutch, 400)
    assert abs(tilt - 480 * np.tan(np.radians(7))) < 12


def test_shot_sizes_and_movements_change_the_view() -> None:
    wide = ShotPainter(make_shot_list(shot_size=a.SHOT_SIZE_WIDE), 0)
    close = ShotPainter(make_shot_list(shot_size=a.SHOT_SIZE_CLOSE_UP), 0)
    assert close.view_at(0).zoom > 3 * wide.view_at(0).zoom
    dolly = ShotPainter(make_shot_list(movement=a.CAMERA_MOVEMENT_DOLLY_IN), 0)
    assert dolly.view_at(dolly.length_s).zoom > 1.2 * dolly.view_at(0).zoom
    pan = ShotPainter(make_shot_list(movement=a.CAMERA_MOVEMENT_PAN_RIGHT), 0)
    assert pan.view_at(pan.length_s).cx - pan.view_at(0).cx > 150
    tilt = ShotPainter(make_shot_list(movement=a.CAMERA_MOVEMENT_TILT_UP), 0)
    assert tilt.view_at(tilt.length_s).cy < tilt.view_at(0).cy - 50
    static = ShotPainter(make_shot_list(movement=a.CAMERA_MOVEMENT_STATIC), 0)
    assert static.view_at(0) == static.view_at(static.length_s)


def test_lightning_is_gentle_and_rare() -> None:
    sl = make_shot_list(weather=a.WEATHER_STORM, with_girl=False, duration_ms=6000, shots=1, prompt="a storm")
    painter = ShotPainter(sl, 0, subtitles=False)
    means = np.array([arr(painter.frame(k / FPS)).mean() for k in range(painter.span.rendered_frames)])
    jumps = np.flatnonzero(np.diff(means) > 8) + 1
    assert jumps.size >= 1  # a storm flashes at least once in six seconds
    starts = [int(j) for j in jumps if j - 1 not in jumps]
    assert all(b - a_ >= FLASH_MIN_GAP_S * FPS for a_, b in itertools.pairwise(starts))
    base = np.median(means)
    assert means.max() - base < FLASH_PEAK * 255


def test_subtitles_only_touch_the_subtitle_band() -> None:
    sl = make_shot_list()
    with_subs = arr(draw_frame(sl, 1, 1.0))
    bare = arr(draw_frame(sl, 1, 1.0, subtitles=False))
    top, bottom = SUBTITLE_BAND
    assert mad(with_subs[top:bottom], bare[top:bottom]) > 8
    assert np.array_equal(with_subs[:top], bare[:top])
    assert np.array_equal(with_subs[bottom:], bare[bottom:])
    # the tail (crossfade overlap past the shot's end) carries no subtitle
    tail_t = (spans(sl)[1].frames + 2) / FPS
    assert np.array_equal(arr(draw_frame(sl, 1, tail_t)), arr(draw_frame(sl, 1, tail_t, subtitles=False)))


def test_timeline_frames_and_tails() -> None:
    sl = make_shot_list(duration_ms=2100)
    plan = spans(sl)
    assert sum(s.frames for s in plan) == round(sl.total_duration_ms * FPS / 1000)
    assert [s.tail for s in plan] == [TAIL_FRAMES, TAIL_FRAMES, 0]  # last shot never has a tail
    assert TAIL_FRAMES == FADE_MS * FPS // 1000
    cut = make_shot_list(transitions=(a.TRANSITION_CUT,))
    assert [s.tail for s in spans(cut)] == [0, 0, 0]


def test_invalid_shot_lists_are_rejected_with_violations() -> None:
    sl = make_shot_list()
    sl.shots[1].start_ms = 5000
    sl.shots[2].duration_ms = 400
    with pytest.raises(InvalidShotList) as info:
        validate(sl)
    fields = {v.field for v in info.value.violations}
    assert {"shots[1].start_ms", "shots[2].duration_ms", "total_duration_ms"} <= fields
    assert info.value.reason == "INVALID_SHOT_LIST"
    with pytest.raises(InvalidShotList):
        draw_frame(make_shot_list(), 7, 0.0)
    with pytest.raises(InvalidShotList):
        validate(prompt_pb2.ShotList())


def test_cast_draws_from_structured_elements() -> None:
    sl = make_shot_list(with_girl=False)
    sl.entities.add(id="character-meena", kind=a.ENTITY_KIND_CHARACTER, name="Meena", source_name="మీనా")
    shot = sl.shots[0]
    shot.characters.add(
        entity_id="character-meena", kind=a.ENTITY_KIND_CHARACTER, name="Meena", action="run", attributes=["blue saree"]
    )
    shot.characters.add(entity_id="animal-dog", kind=a.ENTITY_KIND_ANIMAL, name="dog", action="")
    shot.props.add(entity_id="object-boat", concept_id="boat", category=CONCEPT_CATEGORY_VEHICLE, name="boat")
    sl.entities.add(id="animal-dog", kind=a.ENTITY_KIND_ANIMAL, name="dog", concept_id="dog")
    sl.entities.add(id="object-boat", kind=a.ENTITY_KIND_OBJECT, name="boat", concept_id="boat")
    shot.entity_ids.extend(["character-girl"])  # the structured elements win over entity_ids
    cast = {f.entity_id: f for f in cast_of(sl, 0)}
    assert set(cast) == {"character-meena", "animal-dog", "object-boat", "location-temple"}
    assert cast["location-temple"].icon == "hindu-temple"  # the boat moved the scene to the river: a landmark
    assert (cast["character-meena"].species, cast["character-meena"].action) == ("person", "run")
    assert (cast["animal-dog"].icon, cast["animal-dog"].action) == ("dog", "stand")
    assert cast["object-boat"].placement == "water"  # and the temple gets its river for it
    assert cast["character-meena"].clothes == COLOUR_WORDS["blue"]
    assert arr(draw_frame(sl, 0, 0.5, subtitles=False)).std() > 0


@pytest.mark.parametrize(
    ("movement", "shot_size"),
    [
        (a.CAMERA_MOVEMENT_PAN_RIGHT, a.SHOT_SIZE_WIDE),
        (a.CAMERA_MOVEMENT_PAN_LEFT, a.SHOT_SIZE_MEDIUM),
        (a.CAMERA_MOVEMENT_TILT_UP, a.SHOT_SIZE_WIDE),
        (a.CAMERA_MOVEMENT_TRACKING, a.SHOT_SIZE_MEDIUM),
    ],
)
def test_a_translating_camera_glides_over_a_prescaled_canvas_with_the_resampled_picture(
    movement: int, shot_size: int
) -> None:
    sl = make_shot_list(movement=movement, shot_size=shot_size)
    glide = ShotPainter(sl, 0, subtitles=False)
    assert glide._glide is not None
    resampled = ShotPainter(sl, 0, subtitles=False)
    resampled._glide = None  # every frame a resize of its box, as for a zoom
    n = glide.span.rendered_frames
    for k in (0, 1, n // 3, n // 2 + 1, n - 1):
        x, y = arr(glide.frame(k / FPS)), arr(resampled.frame(k / FPS))
        psnr = 10 * np.log10(255**2 / max(float(np.mean((x - y) ** 2)), 1e-9))
        assert psnr > 40, (k, psnr)
    moved = mad(arr(glide.frame(0)), arr(glide.frame((n - 1) / FPS)))
    assert moved > 2  # the picture did move


def test_zoom_and_still_cameras_do_not_glide() -> None:
    assert ShotPainter(make_shot_list(movement=a.CAMERA_MOVEMENT_DOLLY_IN), 0)._glide is None
    assert ShotPainter(make_shot_list(movement=a.CAMERA_MOVEMENT_STATIC), 0)._glide is None

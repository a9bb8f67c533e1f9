"""Shot-list validation and quality score."""

from __future__ import annotations

from dataclasses import replace

from services.prompt.model import Shot
from services.prompt.quality import WEIGHTS, evaluate
from services.scene.model import Camera, ShotSize

SOURCE = "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి నాట్యం చేస్తోంది. పిల్లలు చూస్తున్నారు."
PROMPT = "Wide establishing shot of a temple in the evening rain, cinematic"


def _good() -> list[Shot]:
    words = ["సాయంత్రం వర్షం పడుతోంది.", "ఒక అమ్మాయి నాట్యం చేస్తోంది.", "పిల్లలు చూస్తున్నారు."]
    sizes = [ShotSize.WIDE, ShotSize.MEDIUM, ShotSize.CLOSE_UP]
    shots = []
    for i, (w, size) in enumerate(zip(words, sizes, strict=True)):
        shots.append(
            Shot(i, PROMPT, "blurry, text", Camera(shot_size=size), i * 2000, 2000, w, w, ("location-temple",), i)
        )
    return shots


def test_weights_sum_to_one() -> None:
    assert abs(sum(WEIGHTS.values()) - 1.0) < 1e-9


def test_good_shot_list_scores_one() -> None:
    report = evaluate(_good(), 6000, SOURCE)
    assert report.score == 1.0 and report.warnings == ()


def test_bad_shot_list_loses_score_with_warnings() -> None:
    shots = _good()
    bad = [
        replace(shots[0], entity_ids=(), camera=Camera(shot_size=ShotSize.MEDIUM)),
        replace(shots[1], narration="invented words", subtitle="invented words"),
        replace(shots[2], duration_ms=1000, camera=Camera(shot_size=ShotSize.MEDIUM), visual_prompt="x"),
    ]
    report = evaluate(bad, 6000, SOURCE)
    assert report.score < 0.5
    assert set(report.failed) == {"subject", "narration", "durations", "camera_variety", "prompt_length"}
    assert len(report.warnings) >= 5
    assert any("narration" in w for w in report.warnings)


def test_each_failed_check_costs_its_weight() -> None:
    good = _good()
    too_few = evaluate(good[:2], 4000, "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి నాట్యం చేస్తోంది.")
    # Two shots: wrong count, and a 4000 ms total is below the 6000 ms minimum.
    assert too_few.score == round(1 - WEIGHTS["shot_count"] - WEIGHTS["durations"], 4)
    one_subjectless = [replace(good[0], entity_ids=()), *good[1:]]
    report = evaluate(one_subjectless, 6000, SOURCE)
    assert report.score == round(1 - WEIGHTS["subject"] / 3, 4)
    wrong_start = [good[0], replace(good[1], start_ms=1999), good[2]]
    assert evaluate(wrong_start, 6000, SOURCE).failed == {"durations": 1.0}
    no_negative = [replace(s, negative_prompt="") for s in good]
    assert evaluate(no_negative, 6000, SOURCE).score == round(1 - WEIGHTS["negative_prompt"], 4)

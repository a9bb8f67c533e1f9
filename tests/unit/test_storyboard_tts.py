"""Narration with eSpeak NG (ctypes): voices, loudness, fitting a line into its shot."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from services.render.storyboard import AUDIO_RATE, RenderError, tts


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


@pytest.mark.parametrize(
    ("language", "text"),
    [("te", "ఒక అమ్మాయి వర్షంలో నాట్యం చేస్తోంది"), ("hi", "एक लड़की बारिश में नाच रही है")],
)
def test_indic_narration_is_audible_and_plausibly_long(language: str, text: str) -> None:
    samples, rate = tts.synthesize(text, language, 6000)
    assert rate == AUDIO_RATE
    assert samples.dtype == np.int16
    seconds = samples.size / rate
    assert 0.8 < seconds < 6.0
    assert rms(samples) > 800


def test_voices_exist_for_every_language() -> None:
    for language in ("en", "hi", "te", "ta", "bn", "mr", "gu", "kn", "ml", "pa", "or"):
        samples, _ = tts.synthesize("1 2 3", language, 4000)  # digits are spoken by every voice
        assert rms(samples) > 300, language
    assert tts.voice_for("xx") == "en"
    assert tts.voice_for("te-IN") == "te"


def test_long_line_is_sped_up_then_trimmed_to_fit_the_shot() -> None:
    text = "ఒక అమ్మాయి వర్షంలో గుడి దగ్గర చాలా సంతోషంగా నాట్యం చేస్తోంది"
    natural, rate = tts.synthesize(text, "te", 60_000)
    max_ms = int(natural.size / rate * 1000 * 0.75)  # needs a faster rate to fit
    fitted, _ = tts.synthesize(text, "te", max_ms)
    assert fitted.size <= rate * (max_ms - tts.FIT_MARGIN_MS) // 1000
    assert fitted.size > natural.size * 0.5  # re-spoken faster, not cut to a stub
    tiny, _ = tts.synthesize(text, "te", 1000)  # too long even at MAX_RATE_WPM: trimmed, faded
    assert tiny.size <= rate * (1000 - tts.FIT_MARGIN_MS) // 1000
    assert abs(int(tiny[-1])) < 200


def test_blank_text_is_empty() -> None:
    samples, rate = tts.synthesize("  ", "te", 2000)
    assert samples.size == 0 and rate == AUDIO_RATE


def test_concurrent_calls_are_serialised() -> None:
    lines = ["ఒక అమ్మాయి", "एक लड़की", "A girl dances", "నాట్యం చేస్తోంది"] * 2
    codes = ["te", "hi", "en", "te"] * 2
    sequential = [tts.synthesize(t, c, 4000)[0] for t, c in zip(lines, codes, strict=True)]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda tc: tts.synthesize(tc[0], tc[1], 4000)[0], zip(lines, codes, strict=True)))
    # eSpeak NG keeps a little state across voice switches (a sample or two of padding), so compare
    # lengths and loudness rather than bytes; interleaved, unguarded calls would mix or drop audio
    for s, p in zip(sequential, parallel, strict=True):
        assert abs(s.size - p.size) <= 0.02 * s.size
        assert abs(rms(s) - rms(p)) <= 0.05 * rms(s)


def test_render_errors_survive_pickling_across_processes() -> None:
    err = pickle.loads(pickle.dumps(RenderError("espeak failed", reason="TTS_FAILED", metadata={"voice": "te"})))
    assert isinstance(err, RenderError)
    assert err.reason == "TTS_FAILED" and err.metadata == {"voice": "te"}


def test_emoji_are_not_spoken() -> None:
    from services.render.storyboard.tts import spoken_text, synthesize

    assert spoken_text("నాట్యం 😀👍🏽 ❤️ 3.5").split() == ["నాట్యం", "3.5"]
    audio, _ = synthesize("😀😀😀", "te", 6000)
    assert audio.size == 0
    words, _ = synthesize("నాట్యం 😀", "te", 6000)
    assert words.size > 0

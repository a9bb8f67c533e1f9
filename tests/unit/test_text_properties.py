"""Property: any valid text in any of the 11 languages gives a shot list covering every sentence.

Texts are random mixes of real-world pieces (tests/robust_texts.py): scene sentences, names with
abbreviated titles, native and ASCII numbers, dates and times, quotations and parentheses, URLs,
emoji, interjections, code-mixed English words, one-word lines and 2000-character prose, with and
without the concepts and names a concept-aware language service attaches. The path is the one
the pipeline runs over gRPC, in-process: glossary translation -> scene analysis -> shot list.
Every subtitle is then laid out and each run checked against its font's own character map.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.language.translate import sentences_of
from services.render.storyboard import subtitles as subs
from services.scene.model import Concept, Name
from services.scene.text import squash
from tests.robust_pieces import (
    DATES,
    EMOJI,
    ENGLISH_WORDS,
    LANGUAGES,
    NUMBERS,
    PIECES,
    QUOTES,
    URLS,
    native_digits,
)
from tests.robust_texts import CONCEPTS, shot_list_for
from tests.unit.test_prompt_cues import binds_to_next

MIN_CHARS, MAX_CHARS = 10, 2000


@st.composite
def piece(draw: st.DrawFn, language: str) -> str:
    """One real-world piece of ``language`` text."""
    p = PIECES[language]
    kind = draw(st.integers(0, 11))
    if kind <= 2:
        return draw(st.sampled_from(p.sentences))
    if kind == 3:
        return draw(st.sampled_from(p.interjections))
    if kind == 4:
        name = draw(st.sampled_from(p.names))
        return f"{draw(st.sampled_from(p.titles))} {name}" if draw(st.booleans()) else name
    if kind == 5:
        number = draw(st.sampled_from(NUMBERS + DATES))
        return native_digits(number, p.zero) if draw(st.booleans()) else number
    if kind == 6:
        opening, closing = draw(st.sampled_from(QUOTES))
        inner = draw(st.sampled_from(p.sentences + p.names + p.interjections))
        return f"{opening}{inner}{closing}"
    if kind == 7:
        return draw(st.sampled_from(URLS))
    if kind == 8:
        return draw(st.sampled_from(EMOJI))
    if kind == 9:
        return draw(st.sampled_from(ENGLISH_WORDS))
    if kind == 10:
        return draw(st.sampled_from(p.names)) + draw(st.sampled_from(("", p.full_stop, "!", "?")))
    sentence = draw(st.sampled_from(p.sentences))
    return sentence[:-1] + draw(st.sampled_from(("...", "?!", "", p.full_stop * 2)))


@st.composite
def scene_text(draw: st.DrawFn) -> tuple[str, str]:
    """``(language, text)`` with 10 to 2000 characters."""
    language = draw(st.sampled_from(LANGUAGES))
    p = PIECES[language]
    if draw(st.integers(0, 79)) == 0:  # 2000-character prose
        sentences = draw(st.lists(st.sampled_from(p.sentences), min_size=60, max_size=60))
        text = " ".join(sentences)
    else:
        parts = draw(st.lists(piece(language), min_size=1, max_size=8))
        seps = draw(
            st.lists(st.sampled_from((" ", " ", "\n", "\n\n", "  ", "")), min_size=len(parts), max_size=len(parts))
        )
        text = "".join(part + sep for part, sep in zip(parts, seps, strict=True))
    while len(text.strip()) < MIN_CHARS:
        text = f"{text} {draw(st.sampled_from(p.sentences))}"
    if len(text) > MAX_CHARS:
        text = text[: text.rfind(" ", 0, MAX_CHARS)]
    return language, text


understanding = st.lists(
    st.tuples(
        st.lists(st.sampled_from(CONCEPTS), max_size=3).map(tuple),
        st.lists(st.sampled_from((Name("రవి", "Ravi", 0.8), Name("मीना", "Meena", 0.7))), max_size=1).map(tuple),
    ),
    max_size=4,
)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scene_text(), understanding)
def test_every_sentence_of_any_text_gets_a_shot(
    sample: tuple[str, str], extra: list[tuple[tuple[Concept, ...], tuple[Name, ...]]]
) -> None:
    language, text = sample
    assert len(text.strip()) >= MIN_CHARS and len(text) <= MAX_CHARS
    shot_list = shot_list_for(text, language, extra)

    assert 3 <= len(shot_list.shots) <= 6
    assert shot_list.total_duration_ms == sum(s.duration_ms for s in shot_list.shots)
    spoken = squash("".join(s.narration for s in shot_list.shots))
    assert spoken == squash(text)  # every word kept, in order, nothing invented
    pos = 0
    for sentence in sentences_of(text):  # every sentence is narrated, in order
        at = spoken.find(squash(sentence), pos)
        assert at >= 0, sentence
        pos = at + len(squash(sentence))
    said = [s.narration for s in shot_list.shots if s.narration.strip()]
    for narration in said[:-1]:  # no shot's words stop on "a", "and", "his", "3" before the next shot's
        assert not binds_to_next(narration.split()[-1]), said
    for shot in shot_list.shots:
        assert shot.visual_prompt.strip() and shot.duration_ms >= 1500
        assert shot.subtitle == shot.narration
        assert shot.setting == shot_list.setting
        for runs in (r for line in subs.layout(shot.subtitle, language).lines for r in line):
            for chunk, key in runs:
                missing = [c for c in chunk if not subs.is_invisible(c) and ord(c) not in subs.coverage(key)]
                assert not missing, (chunk, key)

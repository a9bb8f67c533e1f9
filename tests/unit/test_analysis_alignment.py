"""Sentence splitting and source-text alignment: the user's words are never lost or invented."""

from __future__ import annotations

import pytest

from services.analysis.alignment import align_source, split_like
from services.analysis.analyzer import analyze_scene
from services.scene.model import SceneRequest
from services.scene.text import normalize_space, partition_by_weights, split_by_weights, split_sentences, squash

TELUGU = "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది. ఆమె చుట్టూ పిల్లలు సంతోషంగా చూస్తున్నారు."


@pytest.mark.parametrize(
    ("text", "count"),
    [
        (TELUGU, 3),
        ("बारिश हो रही है। लड़की नाच रही है।", 2),
        ("बारिश हो रही है।लड़की नाच रही है॥", 2),  # danda without a following space still ends a sentence
        ("The price is 3.5 rupees. Really? Yes!", 3),
        ("first line\nsecond line", 2),
        ("no terminator at all", 1),
        ("  leading space. ", 1),
    ],
)
def test_split_sentences_partitions_exactly(text: str, count: int) -> None:
    parts = split_sentences(text)
    assert "".join(parts) == text
    assert len(parts) == count
    assert all(p.strip() for p in parts)


def test_split_by_weights_cuts_at_word_boundaries() -> None:
    text = "one two three four five six"
    parts = split_by_weights(text, [1, 1, 1])
    assert "".join(parts) == text
    assert [p.strip() for p in parts] == ["one two", "three four", "five six"]
    assert split_by_weights("one", [1, 1, 1]) == ["one", "", ""]


def test_partition_gives_each_group_an_item() -> None:
    sizes = partition_by_weights([5, 1, 1, 1, 1], [1, 1, 1])
    assert sum(sizes) == 5 and all(s >= 1 for s in sizes)
    assert sizes[0] == 1  # the heavy first item fills the first third on its own


@pytest.mark.parametrize("units", [1, 2, 3, 4, 5, 9, 14])
def test_align_source_concatenation_for_any_unit_count(units: int) -> None:
    english = [f"unit {i} " * (1 + i % 3) for i in range(units)]
    pieces = align_source(TELUGU, english)
    assert len(pieces) == units
    assert "".join(pieces) == TELUGU


def test_align_fewer_english_sentences_groups_source_sentences() -> None:
    pieces = align_source(TELUGU, ["evening rain girl dance temple.", "children happy watch."])
    assert [p.strip() for p in pieces] == [
        "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.",
        "ఆమె చుట్టూ పిల్లలు సంతోషంగా చూస్తున్నారు.",
    ]


def test_align_more_english_sentences_splits_source_sentences_at_words() -> None:
    pieces = align_source(TELUGU, ["evening.", "rain.", "girl dance.", "temple.", "children watch."])
    assert "".join(pieces) == TELUGU
    assert all(p.strip() for p in pieces)
    assert pieces[0].strip() == "సాయంత్రం వర్షం పడుతోంది."  # first sentence weighs one unit's share


def test_split_like_follows_identical_english_exactly() -> None:
    chunk = "A girl dances  while it rains. "
    parts = split_like(chunk, chunk.strip(), ["A girl dances  ", "while it rains."])
    assert parts == ["A girl dances  ", "while it rains. "]


@pytest.mark.parametrize(
    "gloss",
    [
        "evening rain girl dance temple. children happy watch.",  # 2 English sentences for 3 Telugu
        "evening. rain. girl dance. temple. children. happy watch.",  # 6 for 3
        "evening rain girl dance temple children happy watch",  # 1 for 3
    ],
)
def test_telugu_beats_concatenate_to_the_source_with_different_sentence_counts(gloss: str) -> None:
    a = analyze_scene(SceneRequest(gloss, TELUGU, "te"))
    assert squash("".join(b.source_text for b in a.beats)) == squash(TELUGU)
    assert normalize_space(" ".join(b.source_text for b in a.beats)) == normalize_space(TELUGU)
    assert all(b.source_text for b in a.beats)


def test_english_segments_align_one_to_one() -> None:
    segments = ("evening, it rains.", "a girl dances at the temple.", "children watch happily.")
    a = analyze_scene(SceneRequest(" ".join(segments), TELUGU, "te", english_segments=segments))
    sources = [b.source_text for b in a.beats]
    assert "".join(sources).replace(" ", "") == TELUGU.replace(" ", "")
    # Every beat of segment 2 lies inside source sentence 2.
    dancing = [b for b in a.beats if b.action == "dance"]
    assert dancing and all(b.source_text in split_sentences(TELUGU)[1] for b in dancing)

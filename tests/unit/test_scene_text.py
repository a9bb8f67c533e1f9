"""Sentence splitting of real text: abbreviations, numbers, URLs, quotations, emoji, line breaks."""

from __future__ import annotations

import pytest

from services.language.text import split_sentences as language_sentences
from services.scene.text import sentence_spans, split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Dr. Rao came. He sat.", ["Dr. Rao came.", "He sat."]),
        ("Mr. and Mrs. Iyer live in the U.S. now.", ["Mr. and Mrs. Iyer live in the U.S. now."]),
        ("A. R. Rahman sang. We danced.", ["A. R. Rahman sang.", "We danced."]),
        ("It costs Rs. 3.5 lakh. Fine.", ["It costs Rs. 3.5 lakh.", "Fine."]),
        (
            "See https://example.com/a.b?x=1 now. Then www.drishya.in.",
            ["See https://example.com/a.b?x=1 now.", "Then www.drishya.in."],
        ),
        ("डॉ. शर्मा आए। वे खुश थे।", ["डॉ. शर्मा आए।", "वे खुश थे।"]),
        ("ડૉ. પટેલ આવ્યા. સરસ!", ["ડૉ. પટેલ આવ્યા.", "સરસ!"]),
        ("డా. రావు వచ్చారు. సరే!", ["డా. రావు వచ్చారు.", "సరే!"]),
        ('"Stop!" she said. (Really.) Yes.', ['"Stop!"', "she said.", "(Really.)", "Yes."]),
        ("रात है। 2024", ["रात है।", "2024"]),
        ("Hi 😀\n\n🎉\nnext", ["Hi 😀\n\n🎉", "next"]),  # a line of emoji alone joins the sentence before
        ("At 10:30 a.m. we left. Bye.", ["At 10:30 a.m. we left.", "Bye."]),
        ("Wait... what?!", ["Wait...", "what?!"]),
    ],
)
def test_sentences_of_real_text(text: str, sentences: list[str]) -> None:
    assert [s.strip() for s in split_sentences(text)] == sentences
    assert "".join(split_sentences(text)) == text
    assert language_sentences(text) == [s for s in sentences if any(c.isalnum() for c in s)]


def test_spans_cover_the_text_exactly_and_wordless_pieces_join_a_sentence() -> None:
    text = "  ... 😀 ! Okay. \n"
    assert sentence_spans(text) == [(0, len(text))]
    assert sentence_spans("A. B. Okay. 😀 Next") == [(0, 12), (12, 18)]  # initials do not end a sentence
    assert sentence_spans("   ") == []

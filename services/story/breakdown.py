"""The production breakdown (stripboard) of a story, free of I/O.

One strip per scene in story order, with the fields of a breakdown sheet: scene number, INT/EXT,
set, DAY/NIGHT/DAWN/DUSK, synopsis, cast, props and length. Length is given in seconds and in
eighths of a page under the screenwriting rule of thumb of one script page per minute of screen
time (so one eighth is 7.5 s), rounded to the nearest eighth and never under one eighth, as
stripboards do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from drishya.analysis.v1 import analysis_pb2 as an_pb
from drishya.story.v1 import story_pb2 as pb
from services.scene.text import split_sentences

#: Seconds of screen time per eighth of a page (one page per minute).
SECONDS_PER_EIGHTH = 60.0 / 8

#: Columns of the CSV, in order.
COLUMNS = (
    "scene_number",
    "int_ext",
    "set",
    "time_of_day",
    "synopsis",
    "synopsis_english",
    "cast_ids",
    "cast_names",
    "props",
    "screen_time_s",
    "page_eighths",
)

_TIME = {
    an_pb.TIME_OF_DAY_DAWN: "DAWN",
    an_pb.TIME_OF_DAY_MORNING: "DAY",
    an_pb.TIME_OF_DAY_NOON: "DAY",
    an_pb.TIME_OF_DAY_AFTERNOON: "DAY",
    an_pb.TIME_OF_DAY_EVENING: "DUSK",
    an_pb.TIME_OF_DAY_NIGHT: "NIGHT",
}


def page_eighths(seconds: float) -> int:
    """Eighths of a page for ``seconds`` of screen time: ``max(1, round(seconds / 7.5))``."""
    return max(1, round(seconds / SECONDS_PER_EIGHTH))


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (the whole text when it has one sentence)."""
    sentences = split_sentences(text)
    return sentences[0].strip() if sentences else text.strip()


def strip_for(
    number: int, scene: pb.Scene, analysis: an_pb.SceneAnalysis, english_text: str, bible: pb.StoryBible
) -> pb.Strip:
    """The strip of the scene at ``number`` (from 1), from its analysis and the story bible.

    Cast comes from ``scene.character_ids`` (set by the story's analysis) named from the bible;
    props are the analysis's object entities; the set is the analysis's location ("unspecified"
    when none), INT when the setting is indoors.
    """
    names = {c.entity_id: c.name for c in bible.characters}
    seconds = analysis.estimated_duration_ms / 1000
    return pb.Strip(
        scene_number=number,
        scene_id=scene.scene_id,
        int_ext="INT" if analysis.setting.indoor else "EXT",
        set=analysis.setting.location or "unspecified",
        time_of_day=_TIME.get(analysis.setting.time_of_day, "DAY"),
        synopsis=first_sentence(scene.text),
        synopsis_english=first_sentence(english_text) if english_text else "",
        cast=[pb.CastMember(entity_id=i, name=names.get(i, i)) for i in scene.character_ids],
        props=[e.name for e in analysis.entities if e.kind == an_pb.ENTITY_KIND_OBJECT],
        screen_time_s=seconds,
        page_eighths=page_eighths(seconds),
    )


def to_csv(strips: Sequence[pb.Strip]) -> bytes:
    """The strips as CSV: UTF-8 with a byte order mark (so spreadsheets read Indic scripts), every
    field quoted, CRLF line ends (RFC 4180), a header row of :data:`COLUMNS`; lists joined by "; "."""
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for s in strips:
        w.writerow(
            [
                s.scene_number,
                s.int_ext,
                s.set,
                s.time_of_day,
                s.synopsis,
                s.synopsis_english,
                "; ".join(c.entity_id for c in s.cast),
                "; ".join(c.name for c in s.cast),
                "; ".join(s.props),
                f"{s.screen_time_s:.1f}",
                s.page_eighths,
            ]
        )
    return buf.getvalue().encode("utf-8-sig")

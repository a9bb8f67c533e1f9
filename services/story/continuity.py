"""The story bible and continuity across scenes and languages, free of I/O.

:func:`resolve_story` walks the scenes in story order and, for each, maps what the scene says about
people onto the bible's characters:

* a named character (an analysis entity with a proper name; names arrive transliterated on the
  language service's translation segments, so "మీనా", "मीना" and "Meena" all reach here as Latin
  text) matches the character whose Latin name or alias has the same :func:`latin_key`, or whose
  alias is the same source-script text; otherwise it becomes a new character;
* a role noun ("the girl") and a pronoun ("she", "వహ", "ఆమె") resolve to the most recent character
  of a compatible gender (and, for a role noun, a compatible role), preferring characters already
  mentioned in the same scene: the recency rule of simple anaphora resolvers (Hobbs 1978 falls
  back on it; Lappin & Leass 1994 weight recency highest);
* attributes the scene gives (role, gender, age band from the role noun; clothing and colours
  from the entity's attributes) fill empty bible fields, and contradict filled ones: each
  contradiction becomes a :class:`~drishya.story.v1.story_pb2.ContinuityWarning` with the entity
  id and attribute. The bible, which its owner may edit, is the reference; the render still runs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from drishya.analysis.v1 import analysis_pb2 as an_pb
from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.story.v1 import story_pb2 as pb
from services.scene import lexicon

#: Personal pronouns by language and the gender they mark ("f", "m", or "" when the pronoun does not
#: say). English comes from the scene lexicon; the others are the third-person singular forms of
#: standard grammars of each language (Hindi वह/वो and Bengali সে, for example, do not mark gender).
PRONOUNS: dict[str, dict[str, str]] = {
    "en": {w: g for w, g in lexicon.PRONOUNS.items() if g in ("f", "m")},
    "hi": {"वह": "", "वो": "", "उसने": "", "उसे": "", "उसको": "", "उसकी": "", "उसका": "", "उसके": ""},
    "mr": {"ती": "f", "तो": "m", "तिने": "f", "त्याने": "m", "तिला": "f", "त्याला": "m"},
    "te": {"ఆమె": "f", "ఆవిడ": "f", "అతను": "m", "అతడు": "m", "ఆయన": "m", "వాడు": "m", "ఆమెను": "f", "అతన్ని": "m"},
    "ta": {"அவள்": "f", "அவன்": "m", "அவர்": ""},
    "kn": {"ಅವಳು": "f", "ಅವನು": "m", "ಅವರು": ""},
    "ml": {"അവൾ": "f", "അവൻ": "m", "അവർ": ""},
    "bn": {"সে": "", "তিনি": "", "ও": ""},
    "gu": {"તે": "", "તેણી": "f", "તેણે": ""},
    "pa": {"ਉਹ": "", "ਉਸ": ""},
    "or": {"ସେ": "", "ସେଇ": ""},
}

#: Age band implied by a role noun of the scene lexicon.
AGE_OF_ROLE: dict[str, int] = {
    **dict.fromkeys(("girl", "boy", "child", "kid", "baby"), pb.AGE_BAND_CHILD),
    **dict.fromkeys(("grandmother", "grandfather", "old man", "old woman", "sage"), pb.AGE_BAND_ELDER),
    **dict.fromkeys(
        ("woman", "man", "lady", "mother", "father", "wife", "husband", "bride", "groom", "king", "queen"),
        pb.AGE_BAND_ADULT,
    ),
}

#: Colour words an entity attribute may carry (the CSS basic colour keywords plus common extras).
COLOURS = frozenset(
    (
        *("black", "white", "red", "green", "blue", "yellow", "orange", "purple", "pink", "brown", "grey"),
        *("gray", "gold", "golden", "silver", "maroon", "navy", "saffron", "violet", "indigo", "cream"),
        *("beige", "crimson"),
    )
)

_GENDER = {"f": pb.GENDER_FEMALE, "m": pb.GENDER_MALE}
_SCRIPTS = (
    ("Deva", 0x0900, 0x097F),
    ("Beng", 0x0980, 0x09FF),
    ("Guru", 0x0A00, 0x0A7F),
    ("Gujr", 0x0A80, 0x0AFF),
    ("Orya", 0x0B00, 0x0B7F),
    ("Taml", 0x0B80, 0x0BFF),
    ("Telu", 0x0C00, 0x0C7F),
    ("Knda", 0x0C80, 0x0CFF),
    ("Mlym", 0x0D00, 0x0D7F),
)
_PUNCT = re.compile(r"[\s\.,;:!?।॥\"'“”‘’()\[\]{}…-]+")


def script_of(text: str) -> str:
    """ISO 15924 code of the first letter's script in ``text``: "Telu", "Deva"... or "Latn"."""
    for ch in text:
        cp = ord(ch)
        for code, lo, hi in _SCRIPTS:
            if lo <= cp <= hi:
                return code
    return "Latn"


def latin_key(name: str) -> str:
    """A comparison key for Latin names: "Meena", "Mina" and "Mīnā" all give "mina".

    Strips diacritics, lowercases, keeps letters, maps the long-vowel spellings ee, oo, aa to
    i, u, a and collapses doubled letters (the usual variation between transliterations of one
    Indic name).
    """
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if c.isascii() and c.isalpha()).lower()
    for long, short in (("ee", "i"), ("oo", "u"), ("aa", "a")):
        letters = letters.replace(long, short)
    return re.sub(r"(.)\1+", r"\1", letters)


def words(text: str) -> list[str]:
    """``text`` split on white space and punctuation (Indic vowel signs stay with their letters)."""
    return [w for w in _PUNCT.split(text) if w]


@dataclass(frozen=True)
class SceneInput:
    """What the analysis of one scene says, for resolution.

    Attributes:
        scene_id: the scene.
        language_code: ISO 639-1 language of the source text.
        source_text: the scene as written.
        english_text: the translation or gloss the language service made.
        analysis: the analysis service's result for the scene.
    """

    scene_id: str
    language_code: str
    source_text: str
    english_text: str
    analysis: an_pb.SceneAnalysis


@dataclass
class SceneResolution:
    """The bible characters a scene mentions (first mention first), its continuity warnings, and
    which bible character each of the analysis's character entities is (``entity_map``)."""

    character_ids: list[str] = field(default_factory=list)
    warnings: list[pb.ContinuityWarning] = field(default_factory=list)
    entity_map: dict[str, str] = field(default_factory=dict)

    def mention(self, entity_id: str) -> None:
        """Record a mention of ``entity_id`` (once)."""
        if entity_id not in self.character_ids:
            self.character_ids.append(entity_id)


def _compatible(c: pb.Character, gender: str) -> bool:
    return not gender or c.gender == pb.GENDER_UNSPECIFIED or c.gender == _GENDER[gender]


class _Resolver:
    def __init__(self, bible: pb.StoryBible) -> None:
        self.bible = bible
        self.recent: list[str] = []  # character ids, most recent last

    def character(self, entity_id: str) -> pb.Character:
        return next(c for c in self.bible.characters if c.entity_id == entity_id)

    def new_character(self, name: str) -> pb.Character:
        taken = {c.entity_id for c in self.bible.characters}
        n = len(self.bible.characters) + 1
        while f"char-{n}" in taken:
            n += 1
        return self.bible.characters.add(entity_id=f"char-{n}", name=name)

    def by_name(self, latin: str, source: str) -> pb.Character | None:
        key = latin_key(latin)
        for c in self.bible.characters:
            if key and (latin_key(c.name) == key or any(latin_key(a.text) == key for a in c.aliases)):
                return c
            if source and any(a.text == source for a in c.aliases):
                return c
        return None

    def most_recent(self, scene: SceneResolution, gender: str, role: str = "") -> pb.Character | None:
        for entity_id in [*reversed(scene.character_ids), *reversed(self.recent)]:
            c = self.character(entity_id)
            if _compatible(c, gender) and (not role or not c.role or c.role == role):
                return c
        return None


def _check(res: SceneResolution, c: pb.Character, attribute: str, bible_value: str, scene_value: str) -> None:
    if bible_value and scene_value and bible_value != scene_value:
        res.warnings.append(
            pb.ContinuityWarning(
                entity_id=c.entity_id,
                attribute=attribute,
                bible_value=bible_value,
                scene_value=scene_value,
                message=f"{c.name}: the bible says {attribute} {bible_value!r}, the scene {scene_value!r}",
            )
        )


def _apply_role(res: SceneResolution, c: pb.Character, role: str) -> None:
    gender = _GENDER.get(lexicon.CHARACTERS.get(role, ""), pb.GENDER_UNSPECIFIED)
    age = AGE_OF_ROLE.get(role, pb.AGE_BAND_UNSPECIFIED)
    if not c.role:
        c.role = role
    if gender != pb.GENDER_UNSPECIFIED:
        if c.gender == pb.GENDER_UNSPECIFIED:
            c.gender = gender
        _check(res, c, "gender", pb.Gender.Name(c.gender), pb.Gender.Name(gender))
    if age != pb.AGE_BAND_UNSPECIFIED:
        if c.age_band == pb.AGE_BAND_UNSPECIFIED:
            c.age_band = age  # type: ignore[assignment]  # an AgeBand value from AGE_OF_ROLE
        _check(res, c, "age_band", pb.AgeBand.Name(c.age_band), pb.AgeBand.Name(age))


def _apply_attributes(res: SceneResolution, c: pb.Character, attributes: Sequence[str]) -> None:
    clothing = " ".join(a for a in attributes if a in lexicon.CLOTHING)
    colours = [a for a in attributes if a in COLOURS]
    if clothing:
        if not c.clothing:
            c.clothing = clothing
        _check(res, c, "clothing", c.clothing, clothing)
    if colours:
        if not c.colors:
            c.colors.extend(colours)
        _check(res, c, "colors", ",".join(c.colors), ",".join(colours))


def _voice(c: pb.Character, index: int) -> str:
    """An eSpeak NG voice variant per character: f1..f5 for women and girls, m1..m7 otherwise."""
    return f"f{1 + index % 5}" if c.gender == pb.GENDER_FEMALE else f"m{1 + index % 7}"


def resolve_scene(resolver: _Resolver, scene: SceneInput) -> SceneResolution:
    """Resolve one scene against the bible, updating the bible; see the module docstring."""
    res = SceneResolution()
    people = [e for e in scene.analysis.entities if e.kind == an_pb.ENTITY_KIND_CHARACTER]
    # a name ("Meena") has no concept or one that is not a role noun; a role noun ("girl") is
    # resolved by recency and gender even when the text's own word for it is known
    named = [e for e in people if not e.concept_id or e.concept_id not in lexicon.CHARACTERS]
    roles = [e for e in people if e not in named and e.concept_id in lexicon.CHARACTERS]
    for e in named:
        c = resolver.by_name(e.name, e.source_name) or resolver.new_character(e.name)
        if e.source_name and all(a.text != e.source_name for a in c.aliases):
            c.aliases.add(script=script_of(e.source_name), text=e.source_name)
        if all(a.text != e.name for a in c.aliases) and e.name != c.name:
            c.aliases.add(script="Latn", text=e.name)
        res.mention(c.entity_id)
        res.entity_map[e.id] = c.entity_id
        _apply_attributes(res, c, e.attributes)
    for e in roles:
        gender = lexicon.CHARACTERS[e.concept_id]
        found = resolver.most_recent(res, gender, e.concept_id)
        c = found or resolver.new_character(e.concept_id)
        res.mention(c.entity_id)
        res.entity_map[e.id] = c.entity_id
        _apply_role(res, c, e.concept_id)
        _apply_attributes(res, c, e.attributes)
    garments = [e for e in scene.analysis.entities if e.kind == an_pb.ENTITY_KIND_OBJECT and e.name in lexicon.CLOTHING]
    if len(res.character_ids) == 1 and garments:
        # One person and a garment in the scene: the garment, and the scene's colour words, are theirs.
        colours = [w for w in words(scene.english_text.lower()) if w in COLOURS]
        worn = [g.name for g in garments] + [a for g in garments for a in g.attributes] + colours
        _apply_attributes(res, resolver.character(res.character_ids[0]), list(dict.fromkeys(worn)))
    table = PRONOUNS.get(scene.language_code, {})
    mentions = [table[w] for w in words(scene.source_text) if w in table]
    mentions += [PRONOUNS["en"][w] for w in words(scene.english_text.lower()) if w in PRONOUNS["en"]]
    for gender in mentions:
        found = resolver.most_recent(res, gender)
        if found is not None:
            res.mention(found.entity_id)
    for entity_id in res.character_ids:
        if entity_id in resolver.recent:
            resolver.recent.remove(entity_id)
        resolver.recent.append(entity_id)
    return res


def resolve_story(bible: pb.StoryBible, scenes: Sequence[SceneInput]) -> tuple[pb.StoryBible, list[SceneResolution]]:
    """The bible filled from ``scenes`` (in story order) and each scene's resolution.

    ``bible`` is not modified; the returned copy keeps every entry and value already in it and adds
    characters, aliases, missing attributes and voices. Locations and props are added by English
    name when the scenes name new ones.
    """
    out = pb.StoryBible()
    out.CopyFrom(bible)
    resolver = _Resolver(out)
    results = [resolve_scene(resolver, s) for s in scenes]
    for i, c in enumerate(out.characters):
        if not c.voice:
            c.voice = _voice(c, i)
    for s in scenes:
        for e in s.analysis.entities:
            if e.kind == an_pb.ENTITY_KIND_LOCATION and all(x.name != e.name for x in out.locations):
                out.locations.add(
                    entity_id=f"loc-{len(out.locations) + 1}", name=e.name, interior=s.analysis.setting.indoor
                )
            elif e.kind == an_pb.ENTITY_KIND_OBJECT and all(x.name != e.name for x in out.props):
                out.props.add(entity_id=f"prop-{len(out.props) + 1}", name=e.name)
    return out, results


def look_attributes(c: pb.Character) -> list[str]:
    """English attributes that carry a character's look to the renderer: role (or "woman"/"man"),
    "old" for elders, then each colour and the clothing ("red saree")."""
    role = c.role or {pb.GENDER_FEMALE: "woman", pb.GENDER_MALE: "man"}.get(c.gender, "")
    out = [role] if role else []
    if c.age_band == pb.AGE_BAND_ELDER:
        out.append("old")
    if c.colors or c.clothing:
        out.append(" ".join([*c.colors, c.clothing]).strip())
    if c.hair:
        out.append(f"{c.hair} hair")
    return out


def cast_for(bible: pb.StoryBible, res: SceneResolution) -> list[gen_pb2.CastEntry]:
    """The generation job's cast for a scene: each mentioned character with the bible's look, keyed
    by the analysis entity ids that named it (an empty key for a character only referred to)."""
    by_id = {c.entity_id: c for c in bible.characters}
    out: list[gen_pb2.CastEntry] = []
    for entity_id in res.character_ids:
        c = by_id[entity_id]
        keys = [k for k, v in res.entity_map.items() if v == entity_id] or [""]
        out += [
            gen_pb2.CastEntry(scene_entity_id=k, entity_id=entity_id, name=c.name, attributes=look_attributes(c))
            for k in keys
        ]
    return out

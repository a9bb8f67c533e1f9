"""Real-world pieces of scene text in the 11 languages, and the in-process path text -> shot list.

Used by the property tests (tests/unit/test_text_properties.py) and benchmarks/robustness.py. The
pieces are what real prose carries besides plain scene sentences: names, interjections, native and
ASCII numbers, dates, times, quotations, parentheses, abbreviations, URLs, emoji and code-mixed
English. :func:`shot_list_for` runs the domain functions the pipeline runs over gRPC (glossary
translation, scene analysis, shot list builder), in-process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.analysis.analyzer import analyze_scene
from services.language.glossary import default_glossary
from services.language.translate import GlossaryProvider, sentences_of
from services.prompt.builder import build_shot_list
from services.prompt.model import ShotList
from services.scene.model import Concept, ConceptCategory, Name, SceneRequest, Segment


@dataclass(frozen=True)
class Pieces:
    """Pieces of one language: whole sentences, interjections, names and abbreviated titles."""

    sentences: tuple[str, ...]
    interjections: tuple[str, ...]
    names: tuple[str, ...]
    titles: tuple[str, ...]
    full_stop: str
    zero: str


PIECES: dict[str, Pieces] = {
    "te": Pieces(
        ("ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.", "వర్షం పడుతోంది.", "ఒక అబ్బాయి బడికి వెళ్తున్నాడు."),
        ("సరే!", "అయ్యో!", "అబ్బా!"),
        ("రవి", "సీత", "మీనా"),
        ("డా.", "శ్రీ"),
        ".",
        "౦",
    ),
    "hi": Pieces(
        ("रात को एक बूढ़ा आदमी जंगल में चल रहा है।", "बच्चे पार्क में खेल रहे हैं।", "लड़की बारिश में नाच रही है।"),
        ("अरे!", "वाह!", "हाँ।"),
        ("राम", "सीता", "अमित"),
        ("डॉ.", "श्री"),
        "।",
        "०",
    ),
    "ta": Pieces(
        ("ஒரு பெண் மழையில் நடனமாடுகிறாள்.", "குழந்தைகள் பள்ளிக்குச் செல்கிறார்கள்.", "இரவில் நிலா ஒளிர்கிறது."),
        ("ஐயோ!", "சரி!", "அடடா!"),
        ("ரவி", "மீனா", "குமார்"),
        ("டா.", "திரு."),
        ".",
        "௦",
    ),
    "bn": Pieces(
        ("মেয়েটি বৃষ্টিতে নাচছে।", "একটি ছেলে নদীর ধারে হাঁটছে।", "সন্ধ্যায় বাজারে ভিড়।"),
        ("আরে!", "বাহ!", "হায়!"),
        ("রবি", "মীনা", "সুমন"),
        ("ডা.", "শ্রী"),
        "।",
        "০",
    ),
    "gu": Pieces(
        ("છોકરી વરસાદમાં નાચે છે.", "એક માણસ બજારમાં ચાલે છે.", "સાંજે મંદિરમાં દીવા છે."),
        ("અરે!", "વાહ!", "હા."),
        ("રવિ", "મીના", "કિરણ"),
        ("ડૉ.", "શ્રી"),
        ".",
        "૦",
    ),
    "mr": Pieces(
        ("मुलगी पावसात नाचते.", "एक मुलगा शाळेत जातो.", "संध्याकाळी नदीकाठी शांतता आहे."),
        ("अरे!", "वा!", "हो."),
        ("रवी", "मीना", "सचिन"),
        ("डॉ.", "श्री."),
        ".",
        "०",
    ),
    "kn": Pieces(
        ("ಹುಡುಗಿ ಮಳೆಯಲ್ಲಿ ನೃತ್ಯ ಮಾಡುತ್ತಾಳೆ.", "ಒಬ್ಬ ಹುಡುಗ ಶಾಲೆಗೆ ಹೋಗುತ್ತಾನೆ.", "ರಾತ್ರಿ ಕಾಡಿನಲ್ಲಿ ಆನೆ ನಡೆಯುತ್ತದೆ."),
        ("ಅಯ್ಯೋ!", "ಸರಿ!", "ಆಹಾ!"),
        ("ರವಿ", "ಮೀನಾ", "ಸುರೇಶ್"),
        ("ಡಾ.", "ಶ್ರೀ"),
        ".",
        "೦",
    ),
    "ml": Pieces(
        ("പെൺകുട്ടി മഴയിൽ നൃത്തം ചെയ്യുന്നു.", "ഒരു കുട്ടി സ്കൂളിലേക്ക് പോകുന്നു.", "രാത്രി കടൽത്തീരത്ത് കാറ്റ് വീശുന്നു."),
        ("അയ്യോ!", "ശരി!", "ഹാ!"),
        ("രവി", "മീന", "അനിൽ"),
        ("ഡോ.", "ശ്രീ"),
        ".",
        "൦",
    ),
    "or": Pieces(
        ("ଝିଅଟି ବର୍ଷାରେ ନାଚୁଛି।", "ଏକ ପୁଅ ସ୍କୁଲକୁ ଯାଉଛି।", "ସନ୍ଧ୍ୟାରେ ମନ୍ଦିରରେ ଦୀପ ଜଳୁଛି।"),
        ("ଆରେ!", "ବାଃ!", "ହଁ।"),
        ("ରବି", "ମୀନା", "ସୁରେଶ"),
        ("ଡା.", "ଶ୍ରୀ"),
        "।",
        "୦",
    ),
    "pa": Pieces(
        ("ਕੁੜੀ ਮੀਂਹ ਵਿੱਚ ਨੱਚ ਰਹੀ ਹੈ।", "ਇੱਕ ਮੁੰਡਾ ਸਕੂਲ ਜਾ ਰਿਹਾ ਹੈ।", "ਸ਼ਾਮ ਨੂੰ ਖੇਤਾਂ ਵਿੱਚ ਹਵਾ ਚੱਲਦੀ ਹੈ।"),
        ("ਓਏ!", "ਵਾਹ!", "ਹਾਂ।"),
        ("ਰਵੀ", "ਮੀਨਾ", "ਗੁਰਪ੍ਰੀਤ"),
        ("ਡਾ.", "ਸ੍ਰੀ"),
        "।",
        "੦",
    ),
    "en": Pieces(
        ("A girl dances in the rain.", "An old man walks in the forest at night.", "Children play near the river."),
        ("Okay!", "Wow!", "Oh no."),
        ("Ravi", "Meena", "Arjun"),
        ("Dr.", "Mr."),
        ".",
        "0",
    ),
}

LANGUAGES: tuple[str, ...] = tuple(sorted(PIECES))

#: Pieces any language's text carries.
NUMBERS = ("2024", "3.5", "1,200", "42", "0.75", "15%", "₹500")
DATES = ("12/08/2024", "2024-08-15", "15 Aug 2024", "10:30", "5 p.m.", "7:45 AM")
URLS = ("https://example.com/a.b?x=1", "www.drishya.in", "http://127.0.0.1:8080/v1/jobs")
EMOJI = ("😀", "🙏🏽", "❤️", "👨‍👩‍👧", "🌧️", "🎉🎉", "★")
ENGLISH_WORDS = ("football", "park", "evening time", "mobile phone", "U.S.", "e.g.", "OK", "Wi-Fi")
QUOTES = (("\u201c", "\u201d"), ('"', '"'), ("'", "'"), ("(", ")"), ("[", "]"), ("«", "»"))

#: Concepts a language service may attach to a segment, one per category.
CONCEPTS = (
    Concept("girl", "girl", ConceptCategory.PERSON, 0.9, "ENCODER"),
    Concept("police_officer", "police officer", ConceptCategory.PERSON, 0.7, "ENCODER"),
    Concept("elephant", "elephant", ConceptCategory.ANIMAL, 0.8, "ENCODER"),
    Concept("umbrella", "umbrella", ConceptCategory.OBJECT, 0.8, "GLOSSARY"),
    Concept("bus", "bus", ConceptCategory.VEHICLE, 0.6, "ENCODER"),
    Concept("market", "market", ConceptCategory.PLACE, 0.7, "ENCODER"),
    Concept("river", "river", ConceptCategory.NATURE, 0.7, "ENCODER"),
    Concept("rain", "rain", ConceptCategory.WEATHER, 0.9, "GLOSSARY"),
    Concept("night", "night", ConceptCategory.TIME_OF_DAY, 0.9, "GLOSSARY"),
    Concept("dance", "dance", ConceptCategory.ACTION, 0.8, "ENCODER"),
    Concept("joy", "joy", ConceptCategory.EMOTION, 0.6, "ENCODER"),
)


def native_digits(number: str, zero: str) -> str:
    """``number`` with its ASCII digits written in the script whose zero is ``zero``."""
    base = ord(zero)
    return "".join(chr(base + int(ch)) if ch.isascii() and ch.isdigit() else ch for ch in number)


_glossary = GlossaryProvider(default_glossary())


def segments_for(
    text: str, language: str, extra: Sequence[tuple[tuple[Concept, ...], tuple[Name, ...]]] = ()
) -> tuple[Segment, ...]:
    """The glossary translation of ``text`` as analysis segments; ``extra[i]`` adds concepts and
    names to segment ``i`` (as the concept-aware language service would)."""
    sentences = sentences_of(text)
    if language == "en":
        glossed = [(s, s) for s in sentences]
    else:
        glossed = [(g.source_text, g.text) for g in _glossary.translate_sentences(sentences, language, "en")]
    out: list[Segment] = []
    for i, (source, english) in enumerate(glossed):
        concepts, names = extra[i] if i < len(extra) else ((), ())
        out.append(Segment(source, english, concepts, names))
    return tuple(out)


def shot_list_for(
    text: str, language: str, extra: Sequence[tuple[tuple[Concept, ...], tuple[Name, ...]]] = ()
) -> ShotList:
    """Text -> glossary segments -> :func:`analyze_scene` -> :func:`build_shot_list` ("storyboard")."""
    segments = segments_for(text, language, extra)
    english = " ".join(s.text for s in segments if s.text)
    analysis = analyze_scene(SceneRequest(english, text, language, segments=segments))
    return build_shot_list(analysis, "storyboard")

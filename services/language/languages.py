"""The languages Drishya serves, their scripts and their NLLB-200 (FLORES-200) codes.

Codes are ISO 639-1; the FLORES-200 codes are those of the NLLB-200 model card
(https://github.com/facebookresearch/flores/blob/main/flores200/README.md).
"""

from __future__ import annotations

import enum


class Script(enum.Enum):
    """A Unicode script a text can be written in (``OTHER`` is any script Drishya does not serve)."""

    LATIN = "Latin"
    DEVANAGARI = "Devanagari"
    TELUGU = "Telugu"
    TAMIL = "Tamil"
    BENGALI = "Bengali"
    GUJARATI = "Gujarati"
    GURMUKHI = "Gurmukhi"
    KANNADA = "Kannada"
    MALAYALAM = "Malayalam"
    ORIYA = "Oriya"
    OTHER = "Other"


#: Supported languages, ISO 639-1, in the order the design lists them.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "hi", "te", "ta", "bn", "gu", "mr", "kn", "ml", "or", "pa")

#: English names, for messages.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "hi": "Hindi",
    "te": "Telugu",
    "ta": "Tamil",
    "bn": "Bengali",
    "gu": "Gujarati",
    "mr": "Marathi",
    "kn": "Kannada",
    "ml": "Malayalam",
    "or": "Odia",
    "pa": "Punjabi",
}

#: Languages of the region that Drishya refuses (UNSUPPORTED_LANGUAGE), by the code language ID
#: reports: ISO 639-1 where one exists, else ISO 639-3 (``mai``, ``kok``, ``bho``).
REFUSED_LANGUAGES: dict[str, str] = {
    "ne": "Nepali",
    "as": "Assamese",
    "mai": "Maithili",
    "sa": "Sanskrit",
    "kok": "Konkani",
    "bho": "Bhojpuri",
    "ur": "Urdu",
    "sd": "Sindhi",
    "si": "Sinhala",
    "ks": "Kashmiri",
}


def language_name(code: str) -> str:
    """The English name of a language code: Drishya's own tables, then CLD2's table of about 160
    languages (``pycld2.LANGUAGES``), else the code itself."""
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    if code in REFUSED_LANGUAGES:
        return REFUSED_LANGUAGES[code]
    import pycld2

    for name, cld_code in pycld2.LANGUAGES:
        if cld_code == code:
            return str(name).title()
    return code


#: NLLB-200 language codes (FLORES-200: ISO 639-3 plus ISO 15924 script).
FLORES_CODES: dict[str, str] = {
    "en": "eng_Latn",
    "hi": "hin_Deva",
    "te": "tel_Telu",
    "ta": "tam_Taml",
    "bn": "ben_Beng",
    "gu": "guj_Gujr",
    "mr": "mar_Deva",
    "kn": "kan_Knda",
    "ml": "mal_Mlym",
    "or": "ory_Orya",
    "pa": "pan_Guru",
}

#: The native script of each supported language.
NATIVE_SCRIPT: dict[str, Script] = {
    "en": Script.LATIN,
    "hi": Script.DEVANAGARI,
    "mr": Script.DEVANAGARI,
    "te": Script.TELUGU,
    "ta": Script.TAMIL,
    "bn": Script.BENGALI,
    "gu": Script.GUJARATI,
    "pa": Script.GURMUKHI,
    "kn": Script.KANNADA,
    "ml": Script.MALAYALAM,
    "or": Script.ORIYA,
}

#: Scripts written by exactly one supported language (Unicode block → language).
UNAMBIGUOUS_SCRIPTS: dict[Script, str] = {
    Script.TELUGU: "te",
    Script.TAMIL: "ta",
    Script.KANNADA: "kn",
    Script.MALAYALAM: "ml",
    Script.GUJARATI: "gu",
    Script.GURMUKHI: "pa",
    Script.ORIYA: "or",
    Script.BENGALI: "bn",
}


def is_supported(code: str) -> bool:
    """True when ``code`` is one of :data:`SUPPORTED_LANGUAGES`."""
    return code in SUPPORTED_LANGUAGES

"""How many: the number the user's words put before a noun, in any of the 11 languages.

English counts reach the analysis through its attributes ("two"); a number written in an Indian
language often does not survive the gloss. :func:`count_before` reads it from the source text:
the word right before the noun's source form, as digits in any script
(``"3"``, ``"৩"``, ``"౩"``), a number word from one to ten, or a number word with a classifier
("দুটি", "ଦୁଇଟି": two + the counting suffix). Pure data and functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata

NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "a": 1, "an": 1},
    "hi": {"एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पाँच": 5, "पांच": 5, "छह": 6, "छः": 6, "सात": 7, "आठ": 8,
           "नौ": 9, "दस": 10, "दोनों": 2},
    "mr": {"एक": 1, "दोन": 2, "तीन": 3, "चार": 4, "पाच": 5, "सहा": 6, "सात": 7, "आठ": 8, "नऊ": 9, "दहा": 10},
    "te": {"ఒక": 1, "ఒకటి": 1, "రెండు": 2, "ఇద్దరు": 2, "మూడు": 3, "ముగ్గురు": 3, "నాలుగు": 4,
           "నలుగురు": 4, "ఐదు": 5, "ఐదుగురు": 5, "ఆరు": 6, "ఏడు": 7, "ఎనిమిది": 8, "తొమ్మిది": 9, "పది": 10},
    "ta": {"ஒரு": 1, "ஒன்று": 1, "இரண்டு": 2, "இரு": 2, "இருவர்": 2, "மூன்று": 3, "மூவர்": 3, "நான்கு": 4,
           "ஐந்து": 5, "ஆறு": 6, "ஏழு": 7, "எட்டு": 8, "ஒன்பது": 9, "பத்து": 10},
    "bn": {"এক": 1, "দুই": 2, "দু": 2, "তিন": 3, "চার": 4, "পাঁচ": 5, "ছয়": 6, "সাত": 7, "আট": 8, "নয়": 9,
           "দশ": 10},
    "gu": {"એક": 1, "બે": 2, "ત્રણ": 3, "ચાર": 4, "પાંચ": 5, "છ": 6, "સાત": 7, "આઠ": 8, "નવ": 9, "દસ": 10},
    "kn": {"ಒಂದು": 1, "ಒಬ್ಬ": 1, "ಒಬ್ಬಳು": 1, "ಎರಡು": 2, "ಇಬ್ಬರು": 2, "ಮೂರು": 3, "ಮೂವರು": 3, "ನಾಲ್ಕು": 4,
           "ಐದು": 5, "ಆರು": 6, "ಏಳು": 7, "ಎಂಟು": 8, "ಒಂಬತ್ತು": 9, "ಹತ್ತು": 10},
    "ml": {"ഒരു": 1, "ഒന്ന്": 1, "രണ്ട്": 2, "രണ്ടു": 2, "മൂന്ന്": 3, "നാല്": 4, "അഞ്ച്": 5, "ആറ്": 6,
           "ഏഴ്": 7, "എട്ട്": 8, "ഒമ്പത്": 9, "പത്ത്": 10},
    "or": {"ଏକ": 1, "ଗୋଟିଏ": 1, "ଦୁଇ": 2, "ତିନି": 3, "ଚାରି": 4, "ପାଞ୍ଚ": 5, "ଛଅ": 6, "ସାତ": 7, "ଆଠ": 8,
           "ନଅ": 9, "ଦଶ": 10},
    "pa": {"ਇੱਕ": 1, "ਇਕ": 1, "ਦੋ": 2, "ਤਿੰਨ": 3, "ਚਾਰ": 4, "ਪੰਜ": 5, "ਛੇ": 6, "ਸੱਤ": 7, "ਅੱਠ": 8, "ਨੌਂ": 9,
           "ਦਸ": 10},
}  # fmt: skip
"""Number words one to ten per language (with the forms for people: "ఇద్దరు", "ಇಬ್ಬರು" = two people)."""

ENGLISH_NUMBERS: dict[int, str] = {
    1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten",
}  # fmt: skip
"""The English words of the numbers one to ten (larger numbers stay digits)."""

CLASSIFIERS: dict[str, tuple[str, ...]] = {
    "bn": ("টি", "টা", "জন", "খানা"),
    "or": ("ଟି", "ଟା", "ଜଣ"),
    "as": ("টা", "জন"),
}
"""Counting suffixes written on the number word ("দুটি" = two + টি)."""


def _value(word: str, language: str) -> int | None:
    for suffix in CLASSIFIERS.get(language, ()):
        if word.endswith(suffix) and len(word) > len(suffix):
            value = _value(word[: -len(suffix)], "")
            if value is not None or word[: -len(suffix)] in NUMBER_WORDS.get(language, {}):
                return value if value is not None else NUMBER_WORDS[language][word[: -len(suffix)]]
    digits = [unicodedata.digit(ch, -1) for ch in word]
    if word and all(d >= 0 for d in digits):
        value = 0
        for d in digits:
            value = value * 10 + d
        return value
    return NUMBER_WORDS.get(language, {}).get(word)


def count_before(text: str, source_name: str, language: str) -> int | None:
    """The number right before the first occurrence of ``source_name`` in ``text``, or None.

    Looks at the word right before it only: a number two words back belongs as often to another
    noun ("ಮೂರು ಹಸುಗಳು ಹಳ್ಳಿಯ" - three cows, of the village). The "one/a" words give 1.

    Args:
        text: the user's words (NFC or not; both are normalised).
        source_name: the noun as written in ``text``.
        language: ISO 639-1 code of ``text``.
    """
    text = unicodedata.normalize("NFC", text)
    name = unicodedata.normalize("NFC", source_name).strip()
    if not name:
        return None
    at = text.find(name)
    if at < 0:
        return None
    before = re.findall(r"[\w\u0900-\u0DFF]+", text[:at])[-1:]
    if not before:
        return None
    return _value(before[0].casefold() if language == "en" else before[0], language)


__all__ = ["ENGLISH_NUMBERS", "NUMBER_WORDS", "count_before"]

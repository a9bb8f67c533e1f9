"""Names of places: Indian cities, states and regions in the Latin spellings names are given in.

The language service finds these as names (:mod:`services.language.names`); the analysis makes a
name that is a place a location (a city), not a person. Spellings are those Aksharamukha's
transliteration gives without diacritics, and the common English ones. Pure data.
"""

from __future__ import annotations

PLACE_NAMES = frozenset(
    """
    delhi dilli mumbai kolkata kalakata chennai cennai bengaluru bangalore hyderabad haidarabad pune
    puṇe ahmedabad amadavad amdavad surat jaipur lucknow patna bhopal indore nagpur kochi kocci
    thiruvananthapuram mysore mysuru madurai varanasi kasi banaras agra amritsar ammritsar ammritasar
    chandigarh bhubaneswar bhubanesvar cuttack puri guwahati shimla goa kerala punjab bengal gujarat
    odisha orissa tamilnadu karnataka andhra telangana bihar assam kashmir bharat bharatadesa
    hindustan lanka ayodhya mathura vrindavan dvaraka dwarka
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Indian cities, states and regions (lower case)."""


def is_place_name(latin: str) -> bool:
    """Whether ``latin`` (a name in Latin letters, any case) is a known place, e.g. ``"Kolkata"``."""
    return latin.strip().lower() in PLACE_NAMES


__all__ = ["PLACE_NAMES", "is_place_name"]

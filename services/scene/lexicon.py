"""English scene lexicons: pure data the analyser matches against lemmas.

Every table maps an English lemma (lower case; multi-word entries use single spaces) to what it
means for a scene. The glossary glosses produced by the language service ("evening rain. girl
dance temple.") use the same base words, so the tables serve both real translations and glosses.
Word lists are hand-curated for everyday Indian scene descriptions; they are not exhaustive.
"""

from __future__ import annotations

from services.scene.model import CameraAngle, CameraMovement, ShotSize, TimeOfDay, Weather


def _words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of ``text``; ``_`` joins a multi-word entry ("bullock_cart")."""
    return tuple(w.replace("_", " ") for w in text.split())


#: Time-of-day words.
TIME_OF_DAY: dict[str, TimeOfDay] = {
    "dawn": TimeOfDay.DAWN,
    "daybreak": TimeOfDay.DAWN,
    "sunrise": TimeOfDay.DAWN,
    "morning": TimeOfDay.MORNING,
    "breakfast": TimeOfDay.MORNING,
    "noon": TimeOfDay.NOON,
    "midday": TimeOfDay.NOON,
    "afternoon": TimeOfDay.AFTERNOON,
    "evening": TimeOfDay.EVENING,
    "sunset": TimeOfDay.EVENING,
    "dusk": TimeOfDay.EVENING,
    "twilight": TimeOfDay.EVENING,
    "night": TimeOfDay.NIGHT,
    "tonight": TimeOfDay.NIGHT,
    "midnight": TimeOfDay.NIGHT,
    "moon": TimeOfDay.NIGHT,
    "moonlight": TimeOfDay.NIGHT,
    "star": TimeOfDay.NIGHT,
    "dark": TimeOfDay.NIGHT,
}

#: Weather words. When several appear, :data:`WEATHER_PRIORITY` decides.
WEATHER: dict[str, Weather] = {
    "rain": Weather.RAIN,
    "rainy": Weather.RAIN,
    "raindrop": Weather.RAIN,
    "drizzle": Weather.RAIN,
    "shower": Weather.RAIN,
    "monsoon": Weather.RAIN,
    "downpour": Weather.RAIN,
    "umbrella": Weather.RAIN,
    "storm": Weather.STORM,
    "stormy": Weather.STORM,
    "thunder": Weather.STORM,
    "thunderstorm": Weather.STORM,
    "lightning": Weather.STORM,
    "cyclone": Weather.STORM,
    "snow": Weather.SNOW,
    "snowy": Weather.SNOW,
    "snowfall": Weather.SNOW,
    "fog": Weather.FOG,
    "foggy": Weather.FOG,
    "mist": Weather.FOG,
    "misty": Weather.FOG,
    "haze": Weather.FOG,
    "wind": Weather.WIND,
    "windy": Weather.WIND,
    "gale": Weather.WIND,
    "cloud": Weather.CLOUDY,
    "cloudy": Weather.CLOUDY,
    "overcast": Weather.CLOUDY,
    "sunny": Weather.CLEAR,
    "sunshine": Weather.CLEAR,
    "clear": Weather.CLEAR,
}

#: Most dramatic first: a storm with rain is a storm, rain under clouds is rain.
WEATHER_PRIORITY: tuple[Weather, ...] = (
    Weather.STORM,
    Weather.SNOW,
    Weather.RAIN,
    Weather.FOG,
    Weather.WIND,
    Weather.CLOUDY,
    Weather.CLEAR,
)

#: Location words and whether they are indoors: True, False, or None when it depends on the
#: preposition ("inside the house" is indoors, "in front of the house" is not).
LOCATIONS: dict[str, bool | None] = {
    "temple": None,
    "mosque": None,
    "church": None,
    "gurudwara": None,
    "shrine": None,
    "palace": None,
    "fort": False,
    "river": False,
    "riverbank": False,
    "ghat": False,
    "lake": False,
    "pond": False,
    "sea": False,
    "ocean": False,
    "beach": False,
    "shore": False,
    "village": False,
    "town": False,
    "city": False,
    "street": False,
    "road": False,
    "lane": False,
    "bridge": False,
    "market": False,
    "bazaar": False,
    "fair": False,
    "forest": False,
    "jungle": False,
    "garden": False,
    "park": False,
    "field": False,
    "farm": False,
    "mountain": False,
    "hill": False,
    "valley": False,
    "desert": False,
    "courtyard": False,
    "rooftop": False,
    "terrace": False,
    "well": False,
    "station": None,
    "railway station": None,
    "bus stop": False,
    "tea stall": False,
    "house": None,
    "home": None,
    "hut": None,
    "school": None,
    "college": None,
    "hospital": None,
    "shop": None,
    "kitchen": True,
    "room": True,
    "bedroom": True,
    "classroom": True,
    "hall": True,
    "office": True,
    "library": True,
    "restaurant": True,
    "cafe": True,
    "theatre": True,
    "stage": None,
}

#: Location words that are landscapes: an establishing shot of them is an extreme wide.
LANDSCAPES: frozenset[str] = frozenset(
    _words(
        """
        river lake sea ocean beach forest jungle field farm mountain hill valley desert city
        village
        """
    )
)

#: Character nouns and their grammatical gender for pronoun resolution ("f", "m" or "" for either).
CHARACTERS: dict[str, str] = {
    "girl": "f",
    "boy": "m",
    "woman": "f",
    "lady": "f",
    "man": "m",
    "child": "",
    "kid": "",
    "baby": "",
    "mother": "f",
    "father": "m",
    "grandmother": "f",
    "grandfather": "m",
    "sister": "f",
    "brother": "m",
    "daughter": "f",
    "son": "m",
    "wife": "f",
    "husband": "m",
    "friend": "",
    "family": "",
    "farmer": "",
    "fisherman": "m",
    "dancer": "",
    "singer": "",
    "musician": "",
    "drummer": "",
    "teacher": "",
    "student": "",
    "priest": "m",
    "king": "m",
    "queen": "f",
    "prince": "m",
    "princess": "f",
    "soldier": "",
    "warrior": "",
    "villager": "",
    "people": "",
    "person": "",
    "crowd": "",
    "old man": "m",
    "old woman": "f",
    "bride": "f",
    "groom": "m",
    "vendor": "",
    "shopkeeper": "",
    "doctor": "",
    "police": "",
    "thief": "",
    "sage": "m",
    "god": "m",
    "goddess": "f",
}

#: Nouns that always mean several people (the entity gets the "group" attribute).
COLLECTIVE: frozenset[str] = frozenset({"people", "crowd", "family", "police"})

#: Animals.
ANIMALS: frozenset[str] = frozenset(
    _words(
        """
        dog puppy cat kitten cow calf buffalo goat sheep horse donkey elephant tiger lion monkey
        deer peacock parrot crow sparrow bird pigeon fish snake cobra camel ox bull hen rooster
        duck butterfly squirrel rabbit bear fox frog
        """
    )
)

#: Scene objects worth drawing.
OBJECTS: frozenset[str] = frozenset(
    _words(
        """
        umbrella lamp diya lantern candle kite flower garland tree boat drum flute sitar veena
        guitar book ball bicycle cycle car bus train cart bullock_cart pot bell flag rangoli
         bangle letter phone basket fire bonfire firework cake sweet food rice water
        chair table bed door window swing rope stone sword bag mango coconut banana leaf paddy
        crop wheel net mirror idol statue
        """
    )
)

#: Clothing: worn by the character just mentioned, it becomes that character's attribute ("red sari").
CLOTHING: frozenset[str] = frozenset(
    _words(
        """
        sari saree dhoti kurta turban dress shirt lehenga shawl uniform frock cap hat scarf dupatta
        veil coat
        """
    )
)

#: Nouns that are never entities (parts of phrases, abstractions, time, weather).
NOT_ENTITIES: frozenset[str] = frozenset(
    _words(
        """
        front side top bottom middle back way time day moment thing lot kind sort end start part
        place everyone everything something nothing someone anyone joy happiness sadness fear
        love anger life world sky light shadow sound music song dance voice smile tear shot
        scene camera motion angle view close wide
        """
    )
)

#: Action verbs and the pace they suggest: 3 fast, 2 medium, 1 slow.
ACTIONS: dict[str, int] = {
    **dict.fromkeys(
        _words(
            """
            run race fight chase jump flee escape battle attack rush hurry crash fall leap
            gallop scream
            """
        ),
        3,
    ),
    **dict.fromkeys(
        _words(
            """
            dance walk play swim ride climb cook sing celebrate work carry throw fly drive row
            plough plow laugh clap spin splash cross open light build paint draw call hug meet
            arrive leave come go return eat drink bathe wash pick sell buy give take
            """
        ),
        2,
    ),
    **dict.fromkeys(
        _words(
            """
            hold sit watch sleep rest wait look stand pray think read gaze listen cry weep smile
            lie dream remember see write stare sigh float flow shine bloom kneel
            """
        ),
        1,
    ),
}

#: Actions that move the subject through the frame: the camera tracks them.
MOTION_ACTIONS: frozenset[str] = frozenset(
    _words(
        """
        run race chase flee escape rush hurry gallop dance walk swim ride fly drive row cross
        arrive leave come go return spin jump leap climb play plough plow
        """
    )
)

#: Weather verbs: the action of a beat like "it rains" when nothing else happens.
WEATHER_ACTIONS: frozenset[str] = frozenset({"rain", "pour", "drizzle", "snow", "thunder", "blow", "storm"})

#: Mood words for each tone. A word may count for one tone only.
MOOD_WORDS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            """
            happy happily joy joyful joyfully smile laugh celebrate celebration festival cheer
            cheerful delight glad fun play excited merry wedding
            """
        ),
        "joyful",
    ),
    **dict.fromkeys(
        _words(
            """
            calm peaceful quiet quietly gentle gently still serene softly breeze meditate pray
            relax slowly tranquil rest
            """
        ),
        "serene",
    ),
    **dict.fromkeys(
        _words(
            """
            sad sadly cry weep tear tears alone lonely loss grief miss goodbye farewell sorrow
            mourn empty old_memories remember
            """
        ),
        "melancholic",
    ),
    **dict.fromkeys(
        _words(
            """
            fear afraid scared danger dangerous chase fight angry scream attack escape flee
            thief threat panic hide battle
            """
        ),
        "tense",
    ),
    **dict.fromkeys(
        _words(
            """
            love lover beloved romance romantic kiss together embrace hug bride groom heart
            """
        ),
        "romantic",
    ),
    **dict.fromkeys(
        _words(
            """
            mystery mysterious secret strange ghost shadow dark unknown whisper silent silence
            magic spirit
            """
        ),
        "mysterious",
    ),
    **dict.fromkeys(
        _words(
            """
            dance run race jump energetic drum fast quickly cricket game clap spin crowd
            """
        ),
        "energetic",
    ),
}

#: Words of feeling: a beat containing one is filmed close.
EMOTION_WORDS: frozenset[str] = frozenset(
    _words(
        """
        happy happily joy joyful smile laugh cry weep tear tears sad sadly afraid scared fear
        angry love surprise surprised shy proud worried lonely hug embrace kiss delight excited
        gaze stare
        """
    )
)

#: Visual styles named in text ("an animated scene", "like a documentary").
STYLES: dict[str, str] = {
    "documentary": "documentary",
    "animated": "animated",
    "animation": "animated",
    "cartoon": "animated",
    "watercolor": "watercolor",
    "watercolour": "watercolor",
    "painting": "painterly",
    "vintage": "vintage film",
    "retro": "vintage film",
    "black and white": "black-and-white",
    "anime": "anime",
}

#: Camera words in the text and what they ask for.
CAMERA_SIZES: dict[str, ShotSize] = {
    "close-up": ShotSize.CLOSE_UP,
    "close up": ShotSize.CLOSE_UP,
    "closeup": ShotSize.CLOSE_UP,
    "extreme close-up": ShotSize.EXTREME_CLOSE_UP,
    "extreme close up": ShotSize.EXTREME_CLOSE_UP,
    "wide shot": ShotSize.WIDE,
    "wide": ShotSize.WIDE,
    "panorama": ShotSize.EXTREME_WIDE,
    "panoramic": ShotSize.EXTREME_WIDE,
    "aerial": ShotSize.EXTREME_WIDE,
    "drone": ShotSize.EXTREME_WIDE,
    "bird's eye": ShotSize.EXTREME_WIDE,
    "medium shot": ShotSize.MEDIUM,
}
CAMERA_MOVES: dict[str, CameraMovement] = {
    "pan": CameraMovement.PAN_RIGHT,
    "pan left": CameraMovement.PAN_LEFT,
    "pan right": CameraMovement.PAN_RIGHT,
    "tilt up": CameraMovement.TILT_UP,
    "tilt down": CameraMovement.TILT_DOWN,
    "zoom in": CameraMovement.DOLLY_IN,
    "push in": CameraMovement.DOLLY_IN,
    "dolly in": CameraMovement.DOLLY_IN,
    "zoom out": CameraMovement.DOLLY_OUT,
    "pull back": CameraMovement.DOLLY_OUT,
    "dolly out": CameraMovement.DOLLY_OUT,
    "tracking": CameraMovement.TRACKING,
    "follow": CameraMovement.TRACKING,
    "slow motion": CameraMovement.STATIC,
}
CAMERA_ANGLES: dict[str, CameraAngle] = {
    "aerial": CameraAngle.OVERHEAD,
    "overhead": CameraAngle.OVERHEAD,
    "bird's eye": CameraAngle.OVERHEAD,
    "drone": CameraAngle.HIGH,
    "high angle": CameraAngle.HIGH,
    "low angle": CameraAngle.LOW,
    "dutch angle": CameraAngle.DUTCH,
    "tilted": CameraAngle.DUTCH,
}

#: Clause conjunctions a beat may be split before (when both sides carry an action).
CLAUSE_CONJUNCTIONS: frozenset[str] = frozenset(
    _words(
        """
        and but while when as then so because until after before whereas
        """
    )
)

#: Pronouns: they refer back to characters, never create entities. Value: gender or "p" (plural).
PRONOUNS: dict[str, str] = {
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "they": "p",
    "them": "p",
    "their": "p",
    "themselves": "p",
}

#: Irregular English plurals of the lexicon's nouns (lemma by plural form).
IRREGULAR_PLURALS: dict[str, str] = {
    "children": "child",
    "men": "man",
    "women": "woman",
    "people": "people",
    "sheep": "sheep",
    "fish": "fish",
    "deer": "deer",
    "geese": "goose",
    "mice": "mouse",
    "oxen": "ox",
    "fishermen": "fisherman",
    "policemen": "policeman",
    "calves": "calf",
    "leaves": "leaf",
    "wives": "wife",
    "puppies": "puppy",
    "butterflies": "butterfly",
    "ladies": "lady",
    "babies": "baby",
    "cities": "city",
    "valleys": "valley",
}

#: One English word per time of day ("daytime" when unstated), for lighting and prompt phrases.
TIME_WORD = {
    TimeOfDay.DAWN: "dawn",
    TimeOfDay.MORNING: "morning",
    TimeOfDay.NOON: "midday",
    TimeOfDay.AFTERNOON: "afternoon",
    TimeOfDay.EVENING: "evening",
    TimeOfDay.NIGHT: "night",
    TimeOfDay.UNSPECIFIED: "daytime",
}

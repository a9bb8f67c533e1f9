"""Real-world pieces of scene text in the 11 languages (data only, no imports of the services).

What real prose carries besides plain scene sentences: names, interjections, native and ASCII
numbers, dates, times, quotations, parentheses, abbreviations, URLs, emoji and code-mixed English.
Written for the tests and benchmarks/robustness.py; not taken from other tests' fixtures.
"""

from __future__ import annotations

from dataclasses import dataclass


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


def native_digits(number: str, zero: str) -> str:
    """``number`` with its ASCII digits written in the script whose zero is ``zero``."""
    base = ord(zero)
    return "".join(chr(base + int(ch)) if ch.isascii() and ch.isdigit() else ch for ch in number)

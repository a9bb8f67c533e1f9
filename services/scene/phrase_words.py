"""Function words of the 11 languages that decide where a subtitle cue may end: pure data.

A cue must not end on a word that binds to the word after it (an article or determiner, a
numeral, a conjunction, a possessive, a preposition or a title), and should not start on a word
that binds to the word before it (a postposition, an auxiliary, a particle). An attributive
adjective binds to its noun. Used by :mod:`services.scene.cues`.

Every list is a small, hand-written set of the everyday words of scene descriptions (not a
lexicon): words are matched in Unicode NFC, case-folded, without surrounding punctuation. Words
with two readings that bind in different directions (Marathi/Gujarati "पण"/"પણ" = "but" or
"also") are listed in both directions, so neither cut next to them is taken when another exists.
Words whose common reading does not bind (Bengali "নয়" = "is not" rather than "nine", Tamil "ஆறு"
= "river" as well as "six") are left out.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property


def _w(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``, NFC-normalised and case-folded."""
    return frozenset(unicodedata.normalize("NFC", w).casefold() for w in text.split())


def _endings(text: str) -> tuple[str, ...]:
    """The whitespace-separated word endings of ``text``, NFC-normalised, in order."""
    return tuple(unicodedata.normalize("NFC", e) for e in text.split())


@dataclass(frozen=True)
class PhraseWords:
    """The words of one language that bind to a neighbour, by kind.

    Attributes:
        determiners: articles, demonstratives, quantifiers and intensifiers ("the", "कुछ", "খুব").
        numerals: number words one to ten, the "one/a" words with their classifiers ("একটি",
            "ఒక", "ଜଣେ"), and "half/hundred/thousand".
        conjunctions: coordinating and subordinating conjunctions; a cue may start with one.
        binders: possessives, prepositions, genitive particles and titles that bind to the next word.
        postpositions: postpositions and particles that bind to the word before.
        auxiliaries: auxiliary and copula verbs that follow their verb; a clause ends after them.
        adjectives: common attributive adjectives (they bind to the noun after them).
        loose: words that usually bind to the next word but may end a clause (English auxiliaries,
            adverbial particles, "her"); a cue avoids ending on them.
        converbs: common converbs ("having taken", "holding": "ধরে", "ଧରି", "చేసి") that
            ``verb_endings`` miss; a clause usually ends after them, and they stay with their object.
        verb_endings: endings of finite verbs and converbs; a clause usually ends after such a word.
    """

    determiners: frozenset[str]
    numerals: frozenset[str]
    conjunctions: frozenset[str]
    binders: frozenset[str]
    postpositions: frozenset[str] = frozenset()
    auxiliaries: frozenset[str] = frozenset()
    adjectives: frozenset[str] = frozenset()
    loose: frozenset[str] = frozenset()
    converbs: frozenset[str] = frozenset()
    verb_endings: tuple[str, ...] = ()

    @cached_property
    def binds_next(self) -> frozenset[str]:
        """Words a cue never ends on (unless punctuation follows): determiners, numerals, conjunctions, binders."""
        return self.determiners | self.numerals | self.conjunctions | self.binders

    @cached_property
    def binds_previous(self) -> frozenset[str]:
        """Words a cue avoids starting with: postpositions and auxiliaries."""
        return self.postpositions | self.auxiliaries


PHRASE_WORDS: dict[str, PhraseWords] = {
    "en": PhraseWords(
        determiners=_w(
            "the this that these those some any each every no many few several all both another other such"
            " which whose what very"
        ),
        numerals=_w("a an one two three four five six seven eight nine ten half hundred thousand dozen"),
        conjunctions=_w(
            "and or but nor because although though while whereas if unless until since so as than when where whether"
        ),
        binders=_w(
            "of in on at to for with by from into onto under near behind beside across through along around"
            " towards toward between among against upon without within beneath underneath via during like"
            " my your his its our their mr mrs ms dr prof"
        ),
        adjectives=_w(
            "old young little small big large tall long new beautiful pretty red white black green blue yellow"
            " golden dark bright heavy cold warm hot wet dry quiet happy sad tiny huge great good whole empty"
            " narrow wide thick thin deep wooden"
        ),
        loose=_w(
            "is are was were am be been being has have had will would can could shall should may might must do"
            " does did not her up down out off over about inside outside above below before after past"
        ),
    ),
    "hi": PhraseWords(
        determiners=_w(
            "यह वह ये वे इस उस इन उन इसी उसी कुछ कई हर प्रत्येक सभी कोई किसी दूसरा दूसरी दूसरे ऐसा ऐसी ऐसे वैसा"
            " वैसी जिस जिन जो कौन कौनसा सारा सारी सारे अनेक बहुत काफ़ी सबसे बेहद"
        ),
        numerals=_w("एक दो तीन चार पाँच पांच छह छः सात आठ नौ दस दोनों तीनों आधा आधी सौ हज़ार हजार"),
        conjunctions=_w(
            "और एवं तथा व या अथवा लेकिन परंतु परन्तु किंतु किन्तु मगर बल्कि क्योंकि इसलिए इसलिये कि ताकि अगर यदि"
            " जब जबकि तब हालांकि हालाँकि फिर चाहे वरना"
        ),
        binders=_w(
            "का की के अपना अपनी अपने मेरा मेरी मेरे तेरा तेरी तेरे उसका उसकी उसके इसका इसकी इसके उनका उनकी उनके"
            " इनका इनकी इनके हमारा हमारी हमारे तुम्हारा तुम्हारी तुम्हारे आपका आपकी आपके बिना श्री श्रीमती डॉ डा"
        ),
        postpositions=_w(
            "में से को पर तक ने का की के लिए लिये द्वारा साथ पास बाद ओर तरफ़ तरफ भर समेत वाला वाली वाले जैसा जैसी भी ही"
        ),
        auxiliaries=_w(
            "है हैं था थी थे थीं हूँ हूं हो रहा रही रहे रहीं गया गई गयी गए गये चुका चुकी चुके सकता सकती सकते लगा लगी लगे होगा होगी होंगे"
        ),
        adjectives=_w(
            "बूढ़ा बूढ़ी बूढ़े छोटा छोटी छोटे बड़ा बड़ी बड़े नया नई नयी नए नये पुराना पुरानी पुराने सुंदर सुन्दर लाल"
            " सफ़ेद सफेद काला काली काले हरा हरी हरे नीला नीली नीले पीला पीली पीले लंबा लंबी लंबे ऊँचा ऊँची ऊँचे"
            " भारी गहरा गहरी गहरे ठंडा ठंडी ठंडे गरम गर्म प्यारा प्यारी प्यारे सुनहरा सुनहरी सुनहरे पूरा पूरी पूरे"
        ),
        verb_endings=_endings("कर ेगा ेगी ेंगे"),
    ),
    "mr": PhraseWords(
        determiners=_w(
            "हा ही हे तो ती ते त्या या प्रत्येक काही अनेक सर्व सगळे सगळा सगळी कोणी कोणता कोणती दुसरा दुसरी दुसरे असा अशी असे खूप फार"
        ),
        numerals=_w("एक एका दोन तीन चार पाच सहा सात आठ नऊ दहा अर्धा अर्धी शंभर हजार"),
        conjunctions=_w("आणि व किंवा अथवा पण परंतु परन्तु कारण जर तर जेव्हा तेव्हा की तरी तरीही शिवाय तसेच नाहीतर"),
        binders=_w(
            "माझा माझी माझे माझ्या तुझा तुझी तुझे तुझ्या त्याचा त्याची त्याचे त्याच्या तिचा तिची तिचे तिच्या त्यांचा"
            " त्यांची त्यांचे त्यांच्या आपला आपली आपले आपल्या आमचा आमची आमचे आमच्या तुमचा तुमची तुमचे तुमच्या श्री"
            " डॉ"
        ),
        postpositions=_w("मध्ये साठी कडे कडून जवळ बरोबर सोबत पर्यंत विषयी बद्दल प्रमाणे सारखा सारखी सारखे पण च सुद्धा देखील"),
        auxiliaries=_w(
            "आहे आहेत आहेस आहोत आहात होता होती होते होतो होत्या असतो असते असतात लागला लागली लागले गेला गेली गेले"
            " शकतो शकते शकतात नाही नव्हता नव्हती"
        ),
        adjectives=_w(
            "म्हातारा म्हातारी म्हातारे लहान मोठा मोठी मोठे नवा नवी नवे जुना जुनी जुने सुंदर लाल पांढरा पांढरी"
            " पांढरे काळा काळी काळे हिरवा हिरवी हिरवे निळा निळी निळे पिवळा पिवळी पिवळे उंच लांब छोटा छोटी छोटे"
        ),
        verb_endings=_endings("ऊन ून तात"),
    ),
    "bn": PhraseWords(
        determiners=_w(
            "এই ওই ঐ সেই এসব ওসব প্রতিটি প্রত্যেক প্রতি কিছু অনেক কয়েকটি কয়েকজন কয়েক সব সকল সমস্ত কোনো কোন"
            " অন্য আরেকটি আরেক এমন অমন খুব বেশ"
        ),
        numerals=_w(
            "এক একটি একটা একজন দুই দুটি দুটো দুজন তিন তিনটি তিনটে তিনজন চার চারটি চারজন পাঁচ পাঁচটি পাঁচজন ছয়"
            " ছয়টি সাত সাতটি আট আটটি নয়টি দশ দশটি অর্ধেক একশো হাজার"
        ),
        conjunctions=_w("আর ও এবং কিন্তু বা অথবা কিংবা কারণ তাই যদি যখন তখন তবে তবু তবুও যে অথচ সুতরাং নইলে যাতে বরং"),
        binders=_w("আমার তোমার তোর তার তাঁর তাদের তাঁদের ওর ওদের ওঁর এর এদের আমাদের তোমাদের আপনার নিজের শ্রী ডা ডঃ"),
        postpositions=_w(
            "থেকে দিকে সাথে সঙ্গে জন্য জন্যে মধ্যে কাছে পাশে উপর উপরে ওপরে নিচে নীচে ভিতরে ভেতরে পর্যন্ত দিয়ে ছাড়া"
            " মতো মত পরে আগে সামনে পিছনে পেছনে ধারে বাইরে তো না নি"
        ),
        auxiliaries=_w("আছে আছেন আছি আছো ছিল ছিলেন ছিলাম ছিলো হয় হয়েছে হলো হল গেল গেছে গেলো লাগল নেই নয়"),
        adjectives=_w(
            "বুড়ো বৃদ্ধ ছোট ছোটো বড় বড়ো নতুন পুরনো পুরোনো সুন্দর লাল সাদা কালো সবুজ নীল হলুদ লম্বা উঁচু ভারী গভীর ঠান্ডা গরম সোনালি বিশাল প্রাচীন"
        ),
        converbs=_w("নিয়ে ধরে করে গিয়ে এসে দেখে বসে দাঁড়িয়ে হেঁটে দৌড়ে হেসে"),
        verb_endings=_endings("ছে ছেন ছিল ছিলেন লেন লাম"),
    ),
    "te": PhraseWords(
        determiners=_w("ఈ ఆ ప్రతి కొన్ని కొంత చాలా అన్ని ఏ మరో మరొక ఇంకో వేరే అంత ఇంత అలాంటి ఇలాంటి ఎంతో"),
        numerals=_w("ఒక ఒక్క ఒకటి రెండు మూడు నాలుగు ఐదు ఆరు ఏడు ఎనిమిది తొమ్మిది పది ఇద్దరు ముగ్గురు నలుగురు సగం వంద వెయ్యి"),
        conjunctions=_w("మరియు కానీ కాని లేదా లేక ఎందుకంటే అందుకే అయితే కాబట్టి కనుక ఇంకా మరి అప్పుడు ఒకవేళ"),
        binders=_w("నా నీ తన తమ మా మీ మన వారి అతని ఆమె యొక్క వాళ్ళ వాడి దాని శ్రీ డా"),
        postpositions=_w(
            "తో ముందు వెనుక పక్కన దగ్గర కోసం నుండి నుంచి లోపల బయట మీద కింద వరకు గురించి కలిసి తర్వాత తరువాత పైన"
            " చుట్టూ కూడా మాత్రమే లాగా లాగ వైపు ద్వారా అని"
        ),
        auxiliaries=_w("ఉంది ఉన్నాడు ఉన్నది ఉన్నారు ఉన్నాయి ఉన్నాను ఉండేది లేదు లేడు లేరు కాదు"),
        adjectives=_w("ముసలి పెద్ద చిన్న కొత్త పాత అందమైన ఎర్రని ఎర్ర తెల్లని తెల్ల నల్లని నల్ల పచ్చని నీలి పసుపు పొడవైన ఎత్తైన బరువైన లోతైన చల్లని"),
        converbs=_w("చేసి వెళ్ళి వచ్చి చూసి"),
        verb_endings=_endings("ంది ాడు ారు న్నాయి తాయి తూ కుని కొని ింది"),
    ),
    "ta": PhraseWords(
        determiners=_w("இந்த அந்த ஒவ்வொரு சில பல எல்லா எந்த மற்ற வேறு இன்னொரு மிகவும் ரொம்ப இப்படிப்பட்ட அத்தகைய"),
        numerals=_w("ஒரு ஒன்று இரண்டு மூன்று நான்கு ஐந்து ஏழு எட்டு ஒன்பது பத்து இரு அரை நூறு ஆயிரம்"),
        conjunctions=_w("மற்றும் ஆனால் அல்லது ஏனென்றால் ஏனெனில் அதனால் எனவே ஆகவே மேலும் பின்னர் அப்போது ஆயினும்"),
        binders=_w(
            "என் என்னுடைய உன் உன்னுடைய தன் தன்னுடைய அவனுடைய அவளுடைய அவருடைய அவர்களுடைய அவர்களின் அவனது அவளது"
            " அதன் எங்கள் நம் நம்முடைய உங்கள் தங்கள் டா டாக் திரு"
        ),
        postpositions=_w(
            "முன்னால் முன் பின்னால் பின் அருகில் அருகே மேல் மேலே கீழ் கீழே உள்ளே வெளியே வரை பற்றி போது கொண்டு"
            " இருந்து உடன் பக்கத்தில் மீது வழியாக மூலம் போல போல் என்று கூட மட்டும் தான் பிறகு பின்பு சுற்றி"
        ),
        auxiliaries=_w(
            "இருக்கிறது இருக்கிறான் இருக்கிறாள் இருக்கிறார் இருக்கிறார்கள் இருந்தது இருந்தான் இருந்தாள் இருந்தார்"
            " இருந்தார்கள் உள்ளது உள்ளன கொண்டிருக்கிறான் கொண்டிருக்கிறாள் கொண்டிருக்கிறது கொண்டிருந்தான் இல்லை"
        ),
        adjectives=_w(
            "வயதான சிறிய பெரிய புதிய பழைய அழகான அழகிய சிவப்பு வெள்ளை கருப்பு பச்சை நீல மஞ்சள் நீண்ட உயரமான"
            " கனமான ஆழமான குளிர்ந்த சூடான இளம் சின்ன"
        ),
        converbs=_w("எடுத்து பிடித்து செய்து போய் வந்து பார்த்து"),
        verb_endings=_endings("கிறான் கிறாள் கிறது கிறார் கிறார்கள் கின்றன கின்றனர் ந்தான் ந்தாள் ந்தது ந்தார் ந்தார்கள் ட்டான் ட்டாள் ட்டது வான் வாள் ந்து"),
    ),
    "kn": PhraseWords(
        determiners=_w("ಈ ಆ ಪ್ರತಿ ಪ್ರತಿಯೊಂದು ಕೆಲವು ಹಲವು ಎಲ್ಲಾ ಎಲ್ಲ ಯಾವ ಬೇರೆ ಇನ್ನೊಂದು ಮತ್ತೊಂದು ತುಂಬಾ ಬಹಳ ಅಂತಹ ಇಂತಹ"),
        numerals=_w("ಒಂದು ಒಬ್ಬ ಒಬ್ಬಳು ಒಬ್ಬರು ಎರಡು ಮೂರು ನಾಲ್ಕು ಐದು ಆರು ಏಳು ಎಂಟು ಒಂಬತ್ತು ಹತ್ತು ಇಬ್ಬರು ಮೂವರು ಅರ್ಧ ನೂರು ಸಾವಿರ"),
        conjunctions=_w("ಮತ್ತು ಹಾಗೂ ಆದರೆ ಅಥವಾ ಏಕೆಂದರೆ ಆದ್ದರಿಂದ ಹಾಗಾಗಿ ಆಮೇಲೆ ಮತ್ತೆ ಅಂದರೆ ಆದರೂ ಒಂದುವೇಳೆ"),
        binders=_w("ನನ್ನ ನಿನ್ನ ತನ್ನ ಅವನ ಅವಳ ಅವರ ಅದರ ನಮ್ಮ ನಿಮ್ಮ ತಮ್ಮ ಇವನ ಇವಳ ಇವರ ಶ್ರೀ ಡಾ"),
        postpositions=_w("ಮುಂದೆ ಹಿಂದೆ ಬಳಿ ಹತ್ತಿರ ಮೇಲೆ ಕೆಳಗೆ ಒಳಗೆ ಹೊರಗೆ ವರೆಗೆ ತನಕ ಬಗ್ಗೆ ಜೊತೆ ಜೊತೆಗೆ ಕಡೆಗೆ ಕಡೆ ಸುತ್ತ ಮೂಲಕ ಎಂದು ಸಹ ಕೂಡ ಕೂಡಾ ಮಾತ್ರ ನಂತರ"),
        auxiliaries=_w("ಇದೆ ಇವೆ ಇದ್ದಾನೆ ಇದ್ದಾಳೆ ಇದ್ದಾರೆ ಇತ್ತು ಇದ್ದನು ಇದ್ದಳು ಇದ್ದರು ಆಗಿದೆ ಆಯಿತು ಇಲ್ಲ ಅಲ್ಲ"),
        adjectives=_w(
            "ವಯಸ್ಸಾದ ಮುದಿ ಸಣ್ಣ ಚಿಕ್ಕ ದೊಡ್ಡ ಹೊಸ ಹಳೆಯ ಸುಂದರ ಸುಂದರವಾದ ಕೆಂಪು ಬಿಳಿ ಕಪ್ಪು ಹಸಿರು ನೀಲಿ ಹಳದಿ ಉದ್ದ"
            " ಉದ್ದವಾದ ಎತ್ತರದ ಭಾರವಾದ ಆಳವಾದ ತಣ್ಣನೆಯ ಪುಟ್ಟ ಮುದ್ದಾದ"
        ),
        converbs=_w("ಮಾಡಿ ಹೋಗಿ ಬಂದು ನೋಡಿ"),
        verb_endings=_endings("ತ್ತಾನೆ ತ್ತಾಳೆ ತ್ತಾರೆ ತ್ತದೆ ತ್ತವೆ ದನು ದಳು ದರು ಕೊಂಡು ತ್ತಾ"),
    ),
    "ml": PhraseWords(
        determiners=_w("ഈ ആ ഓരോ ചില പല എല്ലാ ഏത് ഏതു മറ്റ് മറ്റു മറ്റൊരു വേറെ വളരെ അത്തരം ഇത്തരം"),
        numerals=_w("ഒരു ഒന്ന് രണ്ട് രണ്ടു മൂന്ന് നാല് അഞ്ച് ആറ് ഏഴ് എട്ട് ഒമ്പത് പത്ത് അര നൂറ് ആയിരം"),
        conjunctions=_w("ഒപ്പം പിന്നെ എന്നിട്ട് കൂടാതെ പക്ഷേ പക്ഷെ എന്നാൽ അല്ലെങ്കിൽ അഥവാ കാരണം അതുകൊണ്ട് അതിനാൽ എങ്കിലും അപ്പോൾ"),
        binders=_w("എന്റെ നിന്റെ അവന്റെ അവളുടെ അവരുടെ അതിന്റെ തന്റെ നമ്മുടെ ഞങ്ങളുടെ നിങ്ങളുടെ ഇവന്റെ ഇവളുടെ ഇതിന്റെ എന്ന ശ്രീ ഡോ"),
        postpositions=_w(
            "കൂടെ മുന്നിൽ പിന്നിൽ അരികിൽ അടുത്ത് മുകളിൽ താഴെ ഉള്ളിൽ പുറത്ത് വരെ കുറിച്ച് വേണ്ടി പോലെ ചുറ്റും വഴി ശേഷം"
            " മുമ്പ് എന്ന് എന്ന മാത്രം പിന്നാലെ"
        ),
        auxiliaries=_w("ആണ് ഉണ്ട് ആയിരുന്നു ഉണ്ടായിരുന്നു ഇല്ല അല്ല കൊണ്ടിരിക്കുന്നു"),
        adjectives=_w(
            "പ്രായമായ വൃദ്ധനായ ചെറിയ വലിയ പുതിയ പഴയ സുന്ദരമായ മനോഹരമായ ചുവന്ന വെളുത്ത കറുത്ത പച്ച നീല മഞ്ഞ നീണ്ട"
            " ഉയരമുള്ള ഭാരമുള്ള ആഴമുള്ള തണുത്ത ചൂടുള്ള കൊച്ചു"
        ),
        converbs=_w("പിടിച്ച് എടുത്ത് ചെയ്ത് പോയി വന്ന് കണ്ട്"),
        verb_endings=_endings("ുന്നു ിരുന്നു ുന്നുണ്ട് ുകൊണ്ട് ിട്ട്"),
    ),
    "or": PhraseWords(
        determiners=_w("ଏହି ସେହି ଏ ପ୍ରତ୍ୟେକ ପ୍ରତି କିଛି ଅନେକ କେତେକ ସବୁ ସମସ୍ତ କୌଣସି କେଉଁ ଅନ୍ୟ ବହୁତ ଖୁବ୍ ଏମିତି ସେମିତି ଏପରି"),
        numerals=_w("ଗୋଟିଏ ଗୋଟେ ଏକ ଜଣେ ଦୁଇ ଦୁଇଟି ଦୁଇଜଣ ତିନି ଚାରି ପାଞ୍ଚ ଛଅ ସାତ ଆଠ ନଅ ଦଶ ଅଧା ଶହେ ହଜାର"),
        conjunctions=_w("ଏବଂ ଓ ଆଉ କିନ୍ତୁ ମାତ୍ର ବା କିମ୍ବା ଅଥବା କାରଣ ତେଣୁ ଯଦି ଯେତେବେଳେ ସେତେବେଳେ ଯେ ତଥା ତଥାପି"),
        binders=_w("ମୋର ମୋ ତୋର ତୋ ତା'ର ତାର ତାଙ୍କ ତାଙ୍କର ସେମାନଙ୍କ ସେମାନଙ୍କର ଆମର ଆମ ତୁମର ତୁମ ଆପଣଙ୍କ ନିଜର ନିଜ ଏହାର ଶ୍ରୀ ଡା ଡଃ"),
        postpositions=_w(
            "ସହ ସହିତ ସାଙ୍ଗରେ ପାଇଁ ଉପରେ ତଳେ ଭିତରେ ବାହାରେ ପାଖରେ ଆଗରେ ପଛରେ ଯାଏଁ ପର୍ଯ୍ୟନ୍ତ ଦେଇ ଠାରୁ ବିଷୟରେ ଭଳି ପରି ନିକଟରେ ଚାରିପାଖରେ ବି ହିଁ ବୋଲି"
        ),
        auxiliaries=_w("ଅଛି ଅଛନ୍ତି ଅଛୁ ଥିଲା ଥିଲେ ଥିଲି ଅଟେ ଅଟନ୍ତି ନାହିଁ ନାହାନ୍ତି"),
        adjectives=_w("ବୁଢ଼ା ବୃଦ୍ଧ ଛୋଟ ବଡ଼ ନୂଆ ପୁରୁଣା ସୁନ୍ଦର ନାଲି ଧଳା କଳା ସବୁଜ ନୀଳ ହଳଦିଆ ଲମ୍ବା ଉଚ୍ଚ ଭାରି ଗଭୀର ଥଣ୍ଡା"),
        converbs=_w("ଧରି ନେଇ କରି ଯାଇ ଆସି ଦେଖି ବସି"),
        verb_endings=_endings("ଛି ଛନ୍ତି ଥିଲା ଥିଲେ"),
    ),
    "pa": PhraseWords(
        determiners=_w("ਇਹ ਉਹ ਇਸ ਉਸ ਇਨ੍ਹਾਂ ਉਨ੍ਹਾਂ ਹਰ ਕੁਝ ਕਈ ਸਾਰੇ ਸਾਰਾ ਸਾਰੀ ਕੋਈ ਕਿਸੇ ਦੂਜਾ ਦੂਜੀ ਦੂਜੇ ਅਜਿਹਾ ਅਜਿਹੀ ਬਹੁਤ"),
        numerals=_w("ਇੱਕ ਇਕ ਦੋ ਤਿੰਨ ਚਾਰ ਪੰਜ ਛੇ ਸੱਤ ਅੱਠ ਨੌਂ ਨੌ ਦਸ ਅੱਧਾ ਅੱਧੀ ਸੌ ਹਜ਼ਾਰ"),
        conjunctions=_w("ਅਤੇ ਜਾਂ ਪਰ ਪਰੰਤੂ ਲੇਕਿਨ ਕਿਉਂਕਿ ਕਿ ਜਦੋਂ ਜਦ ਤਦ ਜੇ ਜੇਕਰ ਫਿਰ ਇਸਲਈ ਤਾਂਕਿ"),
        binders=_w(
            "ਦਾ ਦੀ ਦੇ ਦੀਆਂ ਮੇਰਾ ਮੇਰੀ ਮੇਰੇ ਤੇਰਾ ਤੇਰੀ ਤੇਰੇ ਉਸਦਾ ਉਸਦੀ ਉਸਦੇ ਉਹਦਾ ਉਹਦੀ ਉਹਦੇ ਆਪਣਾ ਆਪਣੀ ਆਪਣੇ ਸਾਡਾ"
            " ਸਾਡੀ ਸਾਡੇ ਤੁਹਾਡਾ ਤੁਹਾਡੀ ਤੁਹਾਡੇ ਇਸਦਾ ਇਸਦੀ ਇਸਦੇ ਸ੍ਰੀ ਸ਼੍ਰੀ ਡਾ"
        ),
        postpositions=_w("ਵਿੱਚ ਵਿਚ ਨੂੰ ਤੋਂ ਨੇ ਦਾ ਦੀ ਦੇ ਦੀਆਂ ਨਾਲ ਤੱਕ ਉੱਤੇ ਉੱਪਰ ਹੇਠਾਂ ਕੋਲ ਲਈ ਵਾਂਗ ਵਾਂਗੂ ਵੱਲ ਕੇ ਵੀ ਹੀ ਵਾਲਾ ਵਾਲੀ ਵਾਲੇ ਬਾਅਦ ਤੇ"),
        auxiliaries=_w("ਹੈ ਹਨ ਹਾਂ ਹੋ ਸੀ ਸਨ ਸੀਆਂ ਰਿਹਾ ਰਹੀ ਰਹੇ ਰਹੀਆਂ ਗਿਆ ਗਈ ਗਏ ਗਈਆਂ ਚੁੱਕਾ ਚੁੱਕੀ ਚੁੱਕੇ ਸਕਦਾ ਸਕਦੀ ਸਕਦੇ ਲੱਗਾ ਲੱਗੀ ਲੱਗੇ ਹੋਵੇਗਾ"),
        adjectives=_w(
            "ਬੁੱਢਾ ਬੁੱਢੀ ਬੁੱਢੇ ਛੋਟਾ ਛੋਟੀ ਛੋਟੇ ਵੱਡਾ ਵੱਡੀ ਵੱਡੇ ਨਵਾਂ ਨਵੀਂ ਨਵੇਂ ਪੁਰਾਣਾ ਪੁਰਾਣੀ ਪੁਰਾਣੇ ਸੋਹਣਾ ਸੋਹਣੀ ਸੋਹਣੇ"
            " ਸੁੰਦਰ ਲਾਲ ਚਿੱਟਾ ਚਿੱਟੀ ਚਿੱਟੇ ਕਾਲਾ ਕਾਲੀ ਕਾਲੇ ਹਰਾ ਹਰੀ ਹਰੇ ਨੀਲਾ ਨੀਲੀ ਪੀਲਾ ਪੀਲੀ ਲੰਮਾ ਲੰਮੀ ਉੱਚਾ ਉੱਚੀ"
            " ਭਾਰੀ ਡੂੰਘਾ ਠੰਢਾ ਠੰਡਾ"
        ),
    ),
    "gu": PhraseWords(
        determiners=_w(
            "આ તે પેલો પેલી પેલું પેલા દરેક પ્રત્યેક કેટલાક કેટલીક કેટલુંક ઘણા ઘણી ઘણું બધા બધી બધું કોઈ કોઈક બીજો"
            " બીજી બીજું બીજા એવો એવી એવું એવા ખૂબ બહુ"
        ),
        numerals=_w("એક બે ત્રણ ચાર પાંચ છ સાત આઠ નવ દસ દશ અડધો અડધી સો હજાર"),
        conjunctions=_w("અને તથા કે અથવા યા પણ પરંતુ પરન્તુ કારણ તેથી એટલે જો જ્યારે ત્યારે છતાં તોપણ નહીંતર"),
        binders=_w(
            "નો ની નું ના મારો મારી મારું મારા તારો તારી તારું તારા તેનો તેની તેનું તેના એનો એની એનું એના અમારો"
            " અમારી અમારું અમારા તમારો તમારી તમારું તમારા પોતાનો પોતાની પોતાનું પોતાના આપણો આપણી આપણું આપણા શ્રી"
            " ડૉ ડો"
        ),
        postpositions=_w(
            "પર માં થી ને નો ની નું ના સાથે પાસે માટે સુધી વિશે ઉપર નીચે અંદર બહાર પાછળ આગળ જેવું જેવો જેવી જેવા તરફ વડે દ્વારા પણ જ"
        ),
        auxiliaries=_w("છે છું છો છીએ હતો હતી હતું હતા રહ્યો રહી રહ્યું રહ્યા ગયો ગઈ ગયું ગયા શકે શકતો નથી હશે લાગ્યો લાગી"),
        adjectives=_w(
            "વૃદ્ધ ઘરડો ઘરડી ઘરડા નાનો નાની નાનું મોટો મોટી મોટું મોટા નવો નવી નવું જૂનો જૂની જૂનું જૂના સુંદર લાલ"
            " સફેદ કાળો કાળી કાળું કાળા લીલો લીલી લીલું લીલા વાદળી પીળો પીળી લાંબો લાંબી ઊંચો ઊંચી ભારે ઊંડો ઠંડો"
            " ઠંડી ગરમ"
        ),
        converbs=_w("કરીને આવીને"),
        verb_endings=_endings("ઈને"),
    ),
}
"""Language code → its binding words. Hand-written for everyday scene prose; see the module doc."""

SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "LATIN": ("en",),
    "DEVANAGARI": ("hi", "mr"),
    "BENGALI": ("bn",),
    "TELUGU": ("te",),
    "TAMIL": ("ta",),
    "KANNADA": ("kn",),
    "MALAYALAM": ("ml",),
    "ORIYA": ("or",),
    "GURMUKHI": ("pa",),
    "GUJARATI": ("gu",),
}
"""Unicode script (the first word of a letter's character name) → the languages written in it. A
word is looked up in the lists of its own script's languages, so an English word inside Indic
text follows the English lists."""


def _merge(languages: tuple[str, ...]) -> PhraseWords:
    """The union of the lists of ``languages``."""
    parts = [PHRASE_WORDS[code] for code in languages]
    return PhraseWords(
        determiners=frozenset().union(*(p.determiners for p in parts)),
        numerals=frozenset().union(*(p.numerals for p in parts)),
        conjunctions=frozenset().union(*(p.conjunctions for p in parts)),
        binders=frozenset().union(*(p.binders for p in parts)),
        postpositions=frozenset().union(*(p.postpositions for p in parts)),
        auxiliaries=frozenset().union(*(p.auxiliaries for p in parts)),
        adjectives=frozenset().union(*(p.adjectives for p in parts)),
        loose=frozenset().union(*(p.loose for p in parts)),
        converbs=frozenset().union(*(p.converbs for p in parts)),
        verb_endings=tuple(dict.fromkeys(e for p in parts for e in p.verb_endings)),
    )


BY_SCRIPT: dict[str, PhraseWords] = {script: _merge(codes) for script, codes in SCRIPT_LANGUAGES.items()}
"""Unicode script → the merged lists of its languages (Devanagari: Hindi and Marathi)."""

TITLES: frozenset[str] = _w(
    "mr mrs ms dr prof smt shri sri श्री श्रीमती डॉ डा শ্রী ডা ডঃ శ్రీ డా திரு டா டாக் ಶ್ರೀ ಡಾ ശ്രീ ഡോ ଶ୍ରୀ ଡା ଡଃ ਸ੍ਰੀ ਸ਼੍ਰੀ ਡਾ શ્રી ડૉ ડો"
)
"""Titles written before a name, with or without a full stop ("Dr. Rao", "डॉ. शर्मा", "திரு. குமார்"):
they bind to the name, and their full stop ends no sentence."""

NO_WORDS = PhraseWords(frozenset(), frozenset(), frozenset(), frozenset())
"""The lists of a script no language here is written in: nothing binds."""

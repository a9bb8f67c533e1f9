from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Script(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SCRIPT_UNSPECIFIED: _ClassVar[Script]
    SCRIPT_LATIN: _ClassVar[Script]
    SCRIPT_DEVANAGARI: _ClassVar[Script]
    SCRIPT_TELUGU: _ClassVar[Script]
    SCRIPT_TAMIL: _ClassVar[Script]
    SCRIPT_BENGALI: _ClassVar[Script]
    SCRIPT_GUJARATI: _ClassVar[Script]
    SCRIPT_GURMUKHI: _ClassVar[Script]
    SCRIPT_KANNADA: _ClassVar[Script]
    SCRIPT_MALAYALAM: _ClassVar[Script]
    SCRIPT_ORIYA: _ClassVar[Script]

class TranslationMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANSLATION_METHOD_UNSPECIFIED: _ClassVar[TranslationMethod]
    TRANSLATION_METHOD_CLOUD_API: _ClassVar[TranslationMethod]
    TRANSLATION_METHOD_NLLB: _ClassVar[TranslationMethod]
    TRANSLATION_METHOD_GLOSSARY: _ClassVar[TranslationMethod]
    TRANSLATION_METHOD_IDENTITY: _ClassVar[TranslationMethod]
    TRANSLATION_METHOD_ENCODER: _ClassVar[TranslationMethod]
    TRANSLATION_METHOD_LOANWORD: _ClassVar[TranslationMethod]

class ConceptCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONCEPT_CATEGORY_UNSPECIFIED: _ClassVar[ConceptCategory]
    CONCEPT_CATEGORY_PERSON: _ClassVar[ConceptCategory]
    CONCEPT_CATEGORY_ANIMAL: _ClassVar[ConceptCategory]
    CONCEPT_CATEGORY_OBJECT: _ClassVar[ConceptCategory]
    CONCEPT_CATEGORY_VEHICLE: _ClassVar[ConceptCategory]
    CONCEPT_CATEGORY_PLACE: _ClassVar[ConceptCategory]
    CONCEPT_CATEGORY_NATURE: _ClassVar[ConceptCategory]
    CONCEPT_CATEGORY_WEATHER: _ClassVar[ConceptCategory]
    CONCEPT_CATEGORY_TIME_OF_DAY: _ClassVar[ConceptCategory]
    CONCEPT_CATEGORY_ACTION: _ClassVar[ConceptCategory]
    CONCEPT_CATEGORY_EMOTION: _ClassVar[ConceptCategory]
SCRIPT_UNSPECIFIED: Script
SCRIPT_LATIN: Script
SCRIPT_DEVANAGARI: Script
SCRIPT_TELUGU: Script
SCRIPT_TAMIL: Script
SCRIPT_BENGALI: Script
SCRIPT_GUJARATI: Script
SCRIPT_GURMUKHI: Script
SCRIPT_KANNADA: Script
SCRIPT_MALAYALAM: Script
SCRIPT_ORIYA: Script
TRANSLATION_METHOD_UNSPECIFIED: TranslationMethod
TRANSLATION_METHOD_CLOUD_API: TranslationMethod
TRANSLATION_METHOD_NLLB: TranslationMethod
TRANSLATION_METHOD_GLOSSARY: TranslationMethod
TRANSLATION_METHOD_IDENTITY: TranslationMethod
TRANSLATION_METHOD_ENCODER: TranslationMethod
TRANSLATION_METHOD_LOANWORD: TranslationMethod
CONCEPT_CATEGORY_UNSPECIFIED: ConceptCategory
CONCEPT_CATEGORY_PERSON: ConceptCategory
CONCEPT_CATEGORY_ANIMAL: ConceptCategory
CONCEPT_CATEGORY_OBJECT: ConceptCategory
CONCEPT_CATEGORY_VEHICLE: ConceptCategory
CONCEPT_CATEGORY_PLACE: ConceptCategory
CONCEPT_CATEGORY_NATURE: ConceptCategory
CONCEPT_CATEGORY_WEATHER: ConceptCategory
CONCEPT_CATEGORY_TIME_OF_DAY: ConceptCategory
CONCEPT_CATEGORY_ACTION: ConceptCategory
CONCEPT_CATEGORY_EMOTION: ConceptCategory

class LanguageCandidate(_message.Message):
    __slots__ = ("language_code", "confidence")
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    language_code: str
    confidence: float
    def __init__(self, language_code: _Optional[str] = ..., confidence: _Optional[float] = ...) -> None: ...

class LanguageDetection(_message.Message):
    __slots__ = ("language_code", "script", "romanized", "confidence", "candidates", "code_mixed")
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    ROMANIZED_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    CODE_MIXED_FIELD_NUMBER: _ClassVar[int]
    language_code: str
    script: Script
    romanized: bool
    confidence: float
    candidates: _containers.RepeatedCompositeFieldContainer[LanguageCandidate]
    code_mixed: bool
    def __init__(self, language_code: _Optional[str] = ..., script: _Optional[_Union[Script, str]] = ..., romanized: _Optional[bool] = ..., confidence: _Optional[float] = ..., candidates: _Optional[_Iterable[_Union[LanguageCandidate, _Mapping]]] = ..., code_mixed: _Optional[bool] = ...) -> None: ...

class TranslationSegment(_message.Message):
    __slots__ = ("source_text", "text", "method", "confidence", "concepts", "names")
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    CONCEPTS_FIELD_NUMBER: _ClassVar[int]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    source_text: str
    text: str
    method: TranslationMethod
    confidence: float
    concepts: _containers.RepeatedCompositeFieldContainer[Concept]
    names: _containers.RepeatedCompositeFieldContainer[Name]
    def __init__(self, source_text: _Optional[str] = ..., text: _Optional[str] = ..., method: _Optional[_Union[TranslationMethod, str]] = ..., confidence: _Optional[float] = ..., concepts: _Optional[_Iterable[_Union[Concept, _Mapping]]] = ..., names: _Optional[_Iterable[_Union[Name, _Mapping]]] = ...) -> None: ...

class Concept(_message.Message):
    __slots__ = ("concept_id", "label", "category", "method", "confidence", "source_text")
    CONCEPT_ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    concept_id: str
    label: str
    category: ConceptCategory
    method: TranslationMethod
    confidence: float
    source_text: str
    def __init__(self, concept_id: _Optional[str] = ..., label: _Optional[str] = ..., category: _Optional[_Union[ConceptCategory, str]] = ..., method: _Optional[_Union[TranslationMethod, str]] = ..., confidence: _Optional[float] = ..., source_text: _Optional[str] = ...) -> None: ...

class Name(_message.Message):
    __slots__ = ("source_text", "latin", "confidence")
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    LATIN_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    source_text: str
    latin: str
    confidence: float
    def __init__(self, source_text: _Optional[str] = ..., latin: _Optional[str] = ..., confidence: _Optional[float] = ...) -> None: ...

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

class LanguageCandidate(_message.Message):
    __slots__ = ("language_code", "confidence")
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    language_code: str
    confidence: float
    def __init__(self, language_code: _Optional[str] = ..., confidence: _Optional[float] = ...) -> None: ...

class LanguageDetection(_message.Message):
    __slots__ = ("language_code", "script", "romanized", "confidence", "candidates")
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    ROMANIZED_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    language_code: str
    script: Script
    romanized: bool
    confidence: float
    candidates: _containers.RepeatedCompositeFieldContainer[LanguageCandidate]
    def __init__(self, language_code: _Optional[str] = ..., script: _Optional[_Union[Script, str]] = ..., romanized: _Optional[bool] = ..., confidence: _Optional[float] = ..., candidates: _Optional[_Iterable[_Union[LanguageCandidate, _Mapping]]] = ...) -> None: ...

class TranslationSegment(_message.Message):
    __slots__ = ("source_text", "text", "method", "confidence")
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    source_text: str
    text: str
    method: TranslationMethod
    confidence: float
    def __init__(self, source_text: _Optional[str] = ..., text: _Optional[str] = ..., method: _Optional[_Union[TranslationMethod, str]] = ..., confidence: _Optional[float] = ...) -> None: ...

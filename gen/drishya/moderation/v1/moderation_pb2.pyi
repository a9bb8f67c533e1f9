from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Decision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_UNSPECIFIED: _ClassVar[Decision]
    DECISION_ALLOW: _ClassVar[Decision]
    DECISION_REVIEW: _ClassVar[Decision]
    DECISION_BLOCK: _ClassVar[Decision]

class ReasonCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REASON_CATEGORY_UNSPECIFIED: _ClassVar[ReasonCategory]
    REASON_CATEGORY_BLOCKLIST: _ClassVar[ReasonCategory]
    REASON_CATEGORY_COPYRIGHTED_CHARACTER: _ClassVar[ReasonCategory]
    REASON_CATEGORY_PROFANITY: _ClassVar[ReasonCategory]
    REASON_CATEGORY_TECHNICAL: _ClassVar[ReasonCategory]
    REASON_CATEGORY_PHOTOSENSITIVITY: _ClassVar[ReasonCategory]
    REASON_CATEGORY_PROVIDER_SAFETY: _ClassVar[ReasonCategory]
    REASON_CATEGORY_REVIEWER: _ClassVar[ReasonCategory]
    REASON_CATEGORY_TAKEDOWN: _ClassVar[ReasonCategory]
DECISION_UNSPECIFIED: Decision
DECISION_ALLOW: Decision
DECISION_REVIEW: Decision
DECISION_BLOCK: Decision
REASON_CATEGORY_UNSPECIFIED: ReasonCategory
REASON_CATEGORY_BLOCKLIST: ReasonCategory
REASON_CATEGORY_COPYRIGHTED_CHARACTER: ReasonCategory
REASON_CATEGORY_PROFANITY: ReasonCategory
REASON_CATEGORY_TECHNICAL: ReasonCategory
REASON_CATEGORY_PHOTOSENSITIVITY: ReasonCategory
REASON_CATEGORY_PROVIDER_SAFETY: ReasonCategory
REASON_CATEGORY_REVIEWER: ReasonCategory
REASON_CATEGORY_TAKEDOWN: ReasonCategory

class ModerationReason(_message.Message):
    __slots__ = ("category", "decision", "matched_term", "language_code", "message")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    MATCHED_TERM_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    category: ReasonCategory
    decision: Decision
    matched_term: str
    language_code: str
    message: str
    def __init__(self, category: _Optional[_Union[ReasonCategory, str]] = ..., decision: _Optional[_Union[Decision, str]] = ..., matched_term: _Optional[str] = ..., language_code: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

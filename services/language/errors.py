"""The language service's domain errors (domain ``language.drishya``), built in one place so that
reasons and metadata stay the same wherever they are raised."""

from __future__ import annotations

from services.language.languages import SUPPORTED_LANGUAGES, language_name
from services.mesh.errors import FieldViolation, InvalidArgument

#: Longest accepted text, in Unicode code points.
MAX_TEXT_CHARS = 2000


def no_language_detected() -> InvalidArgument:
    """InvalidArgument NO_LANGUAGE_DETECTED: the text has no letters to identify."""
    return InvalidArgument("the text has no letters, so its language cannot be detected", reason="NO_LANGUAGE_DETECTED")


def unsupported_language(code: str, *, script: str = "", field: str | None = None) -> InvalidArgument:
    """InvalidArgument UNSUPPORTED_LANGUAGE with metadata ``language_code``, ``language_name`` (English,
    e.g. "Nepali") and ``script``, plus a field violation when the language came from a request field."""
    name = language_name(code)
    metadata = {"language_code": code, "language_name": name, "supported": ",".join(SUPPORTED_LANGUAGES)}
    if script:
        metadata["script"] = script
    where = f"{field} " if field else ""
    named = f"{code!r} ({name})" if name != code else repr(code)
    message = f"{where}language {named} is not supported; supported: {', '.join(SUPPORTED_LANGUAGES)}"
    violations = [FieldViolation(field, f"{code!r} is not one of {', '.join(SUPPORTED_LANGUAGES)}")] if field else []
    return InvalidArgument(message, reason="UNSUPPORTED_LANGUAGE", metadata=metadata, violations=violations)


def validate_text(text: str, *, field: str = "text") -> str:
    """Return ``text`` when it has 1 to :data:`MAX_TEXT_CHARS` characters and is not blank.

    Raises:
        InvalidArgument: EMPTY_TEXT for an empty or whitespace-only text; TEXT_TOO_LONG (metadata
            ``length``, ``max_chars``) for a longer one.
    """
    if not text.strip():
        raise InvalidArgument(
            f"{field} is empty", reason="EMPTY_TEXT", violations=[FieldViolation(field, "must not be empty or blank")]
        )
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidArgument(
            f"{field} has {len(text)} characters; at most {MAX_TEXT_CHARS} are accepted",
            reason="TEXT_TOO_LONG",
            metadata={"length": str(len(text)), "max_chars": str(MAX_TEXT_CHARS)},
            violations=[FieldViolation(field, f"must be at most {MAX_TEXT_CHARS} characters")],
        )
    return text


def validate_language_code(code: str, *, field: str, default: str = "") -> str:
    """``code`` stripped and lowercased (``default`` when empty) if it is a supported ISO 639-1 code.

    Raises:
        InvalidArgument: UNSUPPORTED_LANGUAGE with a field violation naming ``field``.
    """
    value = code.strip().lower() or default
    if value and value not in SUPPORTED_LANGUAGES:
        raise unsupported_language(code.strip(), field=field)
    return value

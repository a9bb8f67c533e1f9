"""Keyset pagination: opaque page tokens holding a ``(timestamp, uuid)`` cursor.

A token is URL-safe base64 of ``{"t": ISO 8601 time with zone, "j": UUID}``: the sort key of the
last row of the previous page. Listings sort by that key descending and continue below it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid

from services.mesh.errors import FieldViolation, InvalidArgument


def encode_cursor(at: dt.datetime, row_id: uuid.UUID) -> str:
    """The page token for the cursor ``(at, row_id)``."""
    return base64.urlsafe_b64encode(json.dumps({"t": at.isoformat(), "j": str(row_id)}).encode()).decode()


def decode_cursor(token: str) -> tuple[dt.datetime, uuid.UUID]:
    """The ``(time, uuid)`` cursor in a page token.

    Raises:
        ValueError: the token is not base64 JSON of an object with a string timestamp (with a time
            zone) under ``t`` and a string UUID under ``j``, whatever the types inside.
    """
    try:
        cursor = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, RecursionError, UnicodeError) as exc:
        raise ValueError("not base64 JSON") from exc
    if not isinstance(cursor, dict) or not isinstance(cursor.get("t"), str) or not isinstance(cursor.get("j"), str):
        raise ValueError("not a cursor object")
    at = dt.datetime.fromisoformat(cursor["t"])
    if at.tzinfo is None:
        raise ValueError("the cursor time has no time zone")
    return at, uuid.UUID(cursor["j"])


def page_request(page_size: int, page_token: str) -> tuple[int, tuple[dt.datetime, uuid.UUID] | None]:
    """The checked page size (20 when 0) and the decoded cursor (None on the first page).

    Raises:
        InvalidArgument: INVALID_PAGE_SIZE outside 1..100, INVALID_PAGE_TOKEN for a token that
            does not decode.
    """
    size = page_size or 20
    if not 1 <= size <= 100:
        raise InvalidArgument(
            "page_size must be 1..100",
            reason="INVALID_PAGE_SIZE",
            violations=[FieldViolation("page_size", "between 1 and 100")],
        )
    if not page_token:
        return size, None
    try:
        return size, decode_cursor(page_token)
    except ValueError:
        raise InvalidArgument(
            "page_token is not valid",
            reason="INVALID_PAGE_TOKEN",
            violations=[FieldViolation("page_token", "use next_page_token")],
        ) from None

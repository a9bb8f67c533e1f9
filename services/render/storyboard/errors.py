"""Errors raised by the storyboard render provider."""

from __future__ import annotations

import grpc

from services.mesh.errors import DrishyaError


class RenderError(DrishyaError):
    """A shot could not be rendered or the assembled video failed its checks.

    Reasons: ``FONT_MISSING`` (no Noto font or no raqm shaping), ``TTS_FAILED`` (eSpeak NG could
    not be loaded or failed to speak), ``ENCODE_FAILED`` (PyAV could not write or read a file),
    ``SHOT_MISSING`` (assembly got renders that do not match the shot list), ``QC_FAILED`` (the
    assembled file does not have the expected streams, size or duration).
    """

    code = grpc.StatusCode.INTERNAL
    reason = "RENDER_FAILED"


class InvalidShotList(RenderError):
    """The shot list breaks its contract (reason ``INVALID_SHOT_LIST``, with field violations)."""

    code = grpc.StatusCode.INVALID_ARGUMENT
    reason = "INVALID_SHOT_LIST"

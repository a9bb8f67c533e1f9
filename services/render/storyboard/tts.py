"""Narration with eSpeak NG through ctypes.

The ``espeakng-loader`` wheel ships ``libespeak-ng.so`` and ``espeak-ng-data`` but no command-line
binary, so this module binds the C API of ``speak_lib.h`` (eSpeak NG 1.52) directly:

- ``int espeak_Initialize(espeak_AUDIO_OUTPUT output, int buflength, const char *path, int options)``
  returns the sample rate (22050 Hz) or -1; ``AUDIO_OUTPUT_SYNCHRONOUS`` (2) makes
  ``espeak_Synth`` return only when all audio went through the callback.
- ``void espeak_SetSynthCallback(int (*cb)(short *wav, int numsamples, espeak_EVENT *events))``;
  the callback returns 0 to continue.
- ``espeak_ERROR espeak_SetVoiceByName(const char *name)``: 0 is ``EE_OK``.
- ``espeak_ERROR espeak_SetParameter(espeak_PARAMETER p, int value, int relative)``; ``espeakRATE``
  is 1, in words per minute (80 to 450).
- ``espeak_ERROR espeak_Synth(const void *text, size_t size, unsigned int position,
  espeak_POSITION_TYPE position_type, unsigned int end_position, unsigned int flags,
  unsigned int *unique_identifier, void *user_data)`` with ``POS_CHARACTER`` (1) and
  ``espeakCHARS_UTF8`` (1).

The library keeps process-global state and is not thread-safe: one module-level lock guards it and
it is initialised once per process.
"""

from __future__ import annotations

import ctypes
import threading
import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .errors import RenderError

AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_INITIALIZE_DONT_EXIT = 0x8000
ESPEAK_RATE = 1
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
EE_OK = 0

DEFAULT_RATE_WPM = 160
"""Speaking rate for narration; eSpeak NG's own default is 175 wpm."""
MAX_RATE_WPM = 300
"""Fastest rate used to fit a line into its shot; beyond it eSpeak NG becomes hard to follow."""
FIT_MARGIN_MS = 200
"""Silence kept between the end of a narration line and the end of its shot."""
FADE_OUT_MS = 60
"""Fade applied when a line still does not fit at ``MAX_RATE_WPM`` and must be trimmed."""

VOICES: dict[str, str] = {
    "en": "en",
    "hi": "hi",
    "te": "te",
    "ta": "ta",
    "bn": "bn",
    "mr": "mr",
    "gu": "gu",
    "kn": "kn",
    "ml": "ml",
    "pa": "pa",
    "or": "or",
}
"""ISO 639-1 code → eSpeak NG voice (files under ``espeak-ng-data/lang/{inc,dra,gmw}``)."""

_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

Samples = npt.NDArray[np.int16]


@dataclass
class _Engine:
    lib: ctypes.CDLL
    sample_rate: int
    callback: object  # keeps the ctypes callback alive for the life of the process
    chunks: list[Samples]
    voice: str = ""
    rate: int = 0


_lock = threading.Lock()
_engine: _Engine | None = None


def voice_for(language_code: str) -> str:
    """The eSpeak NG voice for an ISO 639-1 code (``en`` for codes without a voice)."""
    return VOICES.get(language_code.split("-")[0].lower(), "en")


def _load() -> _Engine:
    global _engine
    if _engine is not None:
        return _engine
    try:
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data_path = espeakng_loader.get_data_path()
    except (ImportError, OSError, RuntimeError) as exc:
        raise RenderError(f"eSpeak NG is not available: {exc}", reason="TTS_FAILED") from exc
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Synchronize.argtypes = []
    lib.espeak_Synchronize.restype = ctypes.c_int
    rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), ESPEAK_INITIALIZE_DONT_EXIT)
    if rate <= 0:
        raise RenderError(f"espeak_Initialize failed with {rate}", reason="TTS_FAILED")
    chunks: list[Samples] = []

    def on_samples(wav: ctypes._Pointer[ctypes.c_short], n: int, _events: int | None) -> int:
        if n > 0 and wav:
            chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).astype(np.int16, copy=True))
        return 0

    callback = _CALLBACK(on_samples)
    lib.espeak_SetSynthCallback(callback)
    _engine = _Engine(lib=lib, sample_rate=rate, callback=callback, chunks=chunks)
    return _engine


def _speak(engine: _Engine, text: str, voice: str, rate_wpm: int) -> Samples:
    if engine.voice != voice:
        if engine.lib.espeak_SetVoiceByName(voice.encode()) != EE_OK:
            raise RenderError(f"eSpeak NG has no voice {voice!r}", reason="TTS_FAILED")
        engine.voice = voice
        engine.rate = 0  # selecting a voice resets the rate
    if engine.rate != rate_wpm:
        engine.lib.espeak_SetParameter(ESPEAK_RATE, rate_wpm, 0)
        engine.rate = rate_wpm
    engine.chunks.clear()
    data = text.encode("utf-8")
    status = engine.lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None)
    engine.lib.espeak_Synchronize()
    if status != EE_OK:
        raise RenderError(f"espeak_Synth failed with {status}", reason="TTS_FAILED")
    audio = np.concatenate(engine.chunks) if engine.chunks else np.zeros(0, np.int16)
    engine.chunks.clear()
    return _trim_silence(audio, engine.sample_rate)


def _trim_silence(audio: Samples, rate: int, threshold: int = 64) -> Samples:
    """Drop leading and trailing samples quieter than ``threshold``, keeping 20 ms of each."""
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > threshold)
    if loud.size == 0:
        return audio[:0]
    keep = rate // 50
    return audio[max(0, int(loud[0]) - keep) : int(loud[-1]) + keep]


def sample_rate() -> int:
    """The sample rate eSpeak NG synthesizes at (initialises the library on first use).

    Raises:
        RenderError: ``TTS_FAILED`` when the library cannot be loaded.
    """
    with _lock:
        return _load().sample_rate


def spoken_text(text: str) -> str:
    """``text`` without emoji and pictographic symbols (Unicode categories So and Sk, joiners and
    variation selectors): eSpeak would read their English names aloud in any voice."""
    return "".join(
        " " if unicodedata.category(ch) in ("So", "Sk") else ch
        for ch in text
        if ch not in "\u200d\ufe0e\ufe0f" and not 0x1F3FB <= ord(ch) <= 0x1F3FF
    )


def synthesize(text: str, language_code: str, max_ms: int) -> tuple[Samples, int]:
    """Speak ``text`` with the voice of ``language_code`` so that it lasts at most ``max_ms``.

    Speaks at ``DEFAULT_RATE_WPM``; when the line is longer than ``max_ms - FIT_MARGIN_MS`` it is
    spoken again at a rate raised in proportion (capped at ``MAX_RATE_WPM``), and if it is still too
    long it is cut with a ``FADE_OUT_MS`` fade. Leading and trailing silence is trimmed. Emoji and
    symbols are not spoken (:func:`spoken_text`).

    Returns:
        (mono int16 samples, sample rate in Hz); empty samples for blank text.

    Raises:
        RenderError: ``TTS_FAILED`` when eSpeak NG cannot be loaded or fails.
    """
    text = spoken_text(text)
    if not text.strip():
        with _lock:
            return np.zeros(0, np.int16), _load().sample_rate
    voice = voice_for(language_code)
    with _lock:
        engine = _load()
        rate = engine.sample_rate
        limit = max(rate * (max_ms - FIT_MARGIN_MS) // 1000, rate // 4)
        wpm = DEFAULT_RATE_WPM
        audio = _speak(engine, text, voice, wpm)
        for _ in range(2):
            if audio.size <= limit or wpm >= MAX_RATE_WPM:
                break
            wpm = min(MAX_RATE_WPM, int(wpm * audio.size / limit * 1.05) + 1)
            audio = _speak(engine, text, voice, wpm)
    if audio.size > limit:
        audio = audio[:limit].copy()
        fade = min(limit, rate * FADE_OUT_MS // 1000)
        ramp = np.linspace(1.0, 0.0, fade, dtype=np.float32)
        audio[limit - fade :] = (audio[limit - fade :].astype(np.float32) * ramp).astype(np.int16)
    return audio, rate

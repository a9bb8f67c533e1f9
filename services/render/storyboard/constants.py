"""Output format of the storyboard provider.

``AUDIO_RATE`` is the sample rate eSpeak NG 1.52 synthesizes at (22050 Hz, the value
``espeak_Initialize`` returns); narration WAVs keep it. The assembled AAC track is resampled to
``MASTER_AUDIO_RATE`` (48 kHz, the rate HLS players and the delivery ladder expect).
"""

from __future__ import annotations

FPS = 24
WIDTH = 1280
HEIGHT = 720
AUDIO_RATE = 22050
MASTER_AUDIO_RATE = 48000
FADE_MS = 500
MIN_SHOT_MS = 1000
MAX_SHOTS = 12

SUBTITLE_BAND: tuple[int, int] = (566, 706)
"""(top_y, bottom_y): the pixel rows, top inclusive and bottom exclusive, where subtitles are drawn."""

"""The local storyboard render provider: procedural frames, eSpeak NG narration, H.264 + AAC.

Always available on CPU. The generation worker calls :func:`render_shot` once per shot (each call
is a checkpoint: its files stay on disk) and then :func:`assemble` to join the shots into one MP4.
"""

from __future__ import annotations

from .constants import AUDIO_RATE, FADE_MS, FPS, HEIGHT, MASTER_AUDIO_RATE, SUBTITLE_BAND, WIDTH
from .draw import draw_frame
from .encode import AssemblyReport, ShotRender, assemble, encode_shot, overlay_subtitle, render_shot
from .errors import InvalidShotList, RenderError

__all__ = [
    "AUDIO_RATE",
    "FADE_MS",
    "FPS",
    "HEIGHT",
    "MASTER_AUDIO_RATE",
    "SUBTITLE_BAND",
    "WIDTH",
    "AssemblyReport",
    "InvalidShotList",
    "RenderError",
    "ShotRender",
    "assemble",
    "draw_frame",
    "encode_shot",
    "overlay_subtitle",
    "render_shot",
]

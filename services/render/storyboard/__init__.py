"""The local storyboard render provider: procedural frames, eSpeak NG narration, H.264 + AAC.

Always available on CPU. The generation worker keeps a source and a narration per shot, encodes
the timeline GOP by GOP across its render processes (:func:`encode_gops`, each GOP a checkpoint)
and joins the GOPs into the renditions without decoding (:func:`mux`); see ``encode``.
"""

from __future__ import annotations

from .constants import AUDIO_RATE, FADE_MS, FPS, HEIGHT, MASTER_AUDIO_RATE, SUBTITLE_BAND, WIDTH
from .draw import draw_frame
from .encode import (
    GOP_FRAMES,
    NARRATION_FILE,
    AssemblyReport,
    GopRender,
    ShotSource,
    encode_gops,
    encode_narration,
    finished_gops,
    gop_count,
    gop_range,
    mux,
    narrate,
    overlay_subtitle,
    plan_runs,
    render,
    save_frames,
    shot_gops,
    shots_of_gops,
    storyboard_source,
    total_frames,
    warm_up,
)
from .errors import InvalidShotList, RenderError
from .manifest import DrawnElement, ShotManifest, manifest_of

__all__ = [
    "AUDIO_RATE",
    "FADE_MS",
    "FPS",
    "GOP_FRAMES",
    "HEIGHT",
    "MASTER_AUDIO_RATE",
    "NARRATION_FILE",
    "SUBTITLE_BAND",
    "WIDTH",
    "AssemblyReport",
    "DrawnElement",
    "GopRender",
    "InvalidShotList",
    "RenderError",
    "ShotManifest",
    "ShotSource",
    "draw_frame",
    "encode_gops",
    "encode_narration",
    "finished_gops",
    "gop_count",
    "gop_range",
    "manifest_of",
    "mux",
    "narrate",
    "overlay_subtitle",
    "plan_runs",
    "render",
    "save_frames",
    "shot_gops",
    "shots_of_gops",
    "storyboard_source",
    "total_frames",
    "warm_up",
]

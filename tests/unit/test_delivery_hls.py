"""Pure delivery helpers: playlists, bandwidth, codec strings, ladder planning, thumbnails, still decode plans,
ids, proto codec."""

from __future__ import annotations

import datetime as dt
import uuid
from fractions import Fraction

import pytest

from services.delivery import hls
from services.delivery.codec import from_proto, to_proto
from services.delivery.model import Delivery, Rendition, parse_job_id
from services.delivery.packaging import LADDER, plan_ladder, plan_still_decodes, still_targets, thumbnail_times
from services.mesh.errors import InvalidArgument

MEDIA_PLAYLIST = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXTINF:2.000000,
seg_000.ts
#EXTINF:1.500000,
seg_001.ts
#EXT-X-ENDLIST
"""


def test_parse_media_playlist() -> None:
    assert hls.parse_media_playlist(MEDIA_PLAYLIST) == [hls.Segment("seg_000.ts", 2.0), hls.Segment("seg_001.ts", 1.5)]
    with pytest.raises(ValueError, match="EXTM3U"):
        hls.parse_media_playlist("seg_000.ts\n")
    with pytest.raises(ValueError, match="no #EXTINF"):
        hls.parse_media_playlist("#EXTM3U\nseg_000.ts\n")


def test_bandwidths_are_peak_and_average_bits_per_second() -> None:
    peak, average = hls.bandwidths([(500_000, 2.0), (250_000, 1.0), (100_000, 2.0)])
    assert peak == 2_000_000  # 500 kB in 2 s and 250 kB in 1 s are both 2 Mbit/s
    assert average == 1_360_000  # 850 kB * 8 / 5 s
    with pytest.raises(ValueError):
        hls.bandwidths([])
    with pytest.raises(ValueError):
        hls.bandwidths([(10, 0.0)])


def test_avc1_codec_string_from_sps() -> None:
    # Access unit delimiter, then SPS: High profile (100 = 0x64), constraints 0x00, level 3.1 (0x1f).
    annexb = bytes.fromhex("0000000109f0000000016764001facd9405005ba10")
    assert hls.avc1_codec(annexb) == "avc1.64001f"
    baseline = bytes.fromhex("0000016742c01eaa")
    assert hls.avc1_codec(baseline) == "avc1.42c01e"
    with pytest.raises(ValueError, match="sequence parameter set"):
        hls.avc1_codec(bytes.fromhex("0000000109f0000000016588"))


def test_master_playlist_round_trip() -> None:
    text = hls.master_playlist(
        [
            hls.Variant("720p/index.m3u8", 2_700_000, 2_400_000, 1280, 720, 24.0, ("avc1.64001f", "mp4a.40.2")),
            hls.Variant("360p/index.m3u8", 900_000, 800_000, 640, 360, 24.0, ("avc1.64001e", "mp4a.40.2")),
        ]
    )
    assert text.startswith("#EXTM3U\n#EXT-X-VERSION:3\n")
    variants = hls.parse_master_playlist(text)
    assert [(v["URI"], v["RESOLUTION"], v["BANDWIDTH"], v["CODECS"]) for v in variants] == [
        ("720p/index.m3u8", "1280x720", "2700000", "avc1.64001f,mp4a.40.2"),
        ("360p/index.m3u8", "640x360", "900000", "avc1.64001e,mp4a.40.2"),
    ]
    assert variants[0]["AVERAGE-BANDWIDTH"] == "2400000"


def test_ladder_keeps_aspect_and_never_upscales() -> None:
    assert [(r.name, w, h) for r, w, h in plan_ladder(1920, 1080)] == [("720p", 1280, 720), ("360p", 640, 360)]
    assert [(r.name, w, h) for r, w, h in plan_ladder(1280, 720)] == [("720p", 1280, 720), ("360p", 640, 360)]
    assert [(r.name, w, h) for r, w, h in plan_ladder(640, 360)] == [("360p", 640, 360)]
    assert [(r.name, w, h) for r, w, h in plan_ladder(320, 180)] == [("360p", 640, 360)]  # lowest rung kept
    assert [(w, h) for _, w, h in plan_ladder(1080, 1920)] == [(720, 1280), (360, 640)]  # portrait: short side
    assert [(w, h) for _, w, h in plan_ladder(1440, 1080)] == [(960, 720), (480, 360)]  # 4:3
    assert [r.video_bps for r in LADDER] == [2_500_000, 800_000]


def test_thumbnail_times_every_two_seconds_up_to_ten() -> None:
    assert thumbnail_times(4.0) == [1.0, 3.0]
    assert thumbnail_times(1.0) == [0.5]
    assert len(thumbnail_times(60.0)) == 10
    assert thumbnail_times(60.0)[0] == 3.0


def test_still_targets_are_the_poster_and_thumbnails_by_time() -> None:
    targets = dict((name, t) for t, name in still_targets(7.8))
    assert targets.pop("poster") == pytest.approx(2.6)
    assert targets == {f"thumb_{i:02d}": t for i, t in enumerate(thumbnail_times(7.8))}
    assert [name for _, name in still_targets(7.8)] == ["thumb_00", "poster", "thumb_01", "thumb_02", "thumb_03"]


def test_still_decode_plan_starts_at_the_keyframe_and_ends_at_the_frame() -> None:
    # Two closed GOPs of 6 frames at 1 frame/s, B-frames reordered as x264 writes them (decoding order):
    # display 0 4 2 1 3 5 | 6 10 8 7 9 11
    pts = [0, 4, 2, 1, 3, 5, 6, 10, 8, 7, 9, 11]
    packets = [(p, p % 6 == 0) for p in pts]
    tb = Fraction(1)
    # frame 3 (position 4) needs positions 0-4: 0, 4, 2, 1 and itself
    assert plan_still_decodes(packets, tb, [(2.5, "a")]) == {0: {4: ["a"]}}
    # a target on a frame's time takes that frame; two stills of one GOP share its range
    assert plan_still_decodes(packets, tb, [(7.0, "b"), (8.0, "c"), (7.2, "d")]) == {6: {9: ["b"], 8: ["c", "d"]}}
    # the keyframe itself needs only itself; past the end: the last frame in display order (11)
    assert plan_still_decodes(packets, tb, [(6.0, "e"), (99.0, "f")]) == {6: {6: ["e"], 11: ["f"]}}
    # no keyframe before the frame: from the first packet
    assert plan_still_decodes([(1, False), (0, False), (2, True)], tb, [(0.5, "g")]) == {0: {0: ["g"]}}
    assert plan_still_decodes([], tb, [(1.0, "h")]) == {}


def test_parse_job_id() -> None:
    job = uuid.uuid4()
    assert parse_job_id(str(job)) == job
    assert parse_job_id(str(job).upper()) == job
    for bad in ("", "job-1", "1234", "../etc"):
        with pytest.raises(InvalidArgument) as err:
            parse_job_id(bad)
        assert err.value.reason == "INVALID_JOB_ID"
        assert err.value.violations[0].field == "job_id"


def test_delivery_proto_round_trip() -> None:
    job = uuid.uuid4()
    d = Delivery(
        job_id=job,
        mp4_key=f"jobs/{job}/video.mp4",
        hls_master_key=f"jobs/{job}/hls/master.m3u8",
        poster_key=f"jobs/{job}/poster.jpg",
        thumbnail_keys=(f"jobs/{job}/thumbs/thumb_00.jpg",),
        renditions=(Rendition("720p", 1280, 720, 2_600_000, f"jobs/{job}/hls/720p/index.m3u8", 3),),
        duration_ms=4000,
        mp4_size_bytes=123456,
        publish_time=dt.datetime(2025, 1, 2, 3, 4, 5, 600000, tzinfo=dt.UTC),
    )
    message = to_proto(d)
    assert message.renditions[0].bandwidth_bps == 2_600_000
    assert from_proto(type(message).FromString(message.SerializeToString())) == d


def test_avc1_codec_from_avcc_or_annexb_extradata() -> None:
    # avcC: version 1, High profile (0x64), constraints 0x00, level 3.1 (0x1f), 4-byte NAL lengths.
    avcc = bytes.fromhex("0164001fffe10019")
    assert hls.avc1_codec_from_extradata(avcc) == "avc1.64001f"
    assert hls.avc1_codec_from_extradata(bytes.fromhex("0000016742c01eaa")) == "avc1.42c01e"
    with pytest.raises(ValueError):
        hls.avc1_codec_from_extradata(b"")
    with pytest.raises(ValueError):
        hls.avc1_codec_from_extradata(bytes.fromhex("00000001688f"))  # a PPS only


def test_nal_length_size_and_unit_types() -> None:
    assert hls.nal_length_size(bytes.fromhex("0164001fffe10019")) == 4  # 0xff & 3 = 3, plus one
    assert hls.nal_length_size(bytes.fromhex("0164001ffd")) == 2
    assert hls.nal_length_size(bytes.fromhex("0000016742c01e")) is None
    with pytest.raises(ValueError):
        hls.nal_length_size(bytes.fromhex("016400"))
    # Length-prefixed: SEI (6, 3 bytes), IDR slice (5, 2 bytes); then a truncated unit is ignored.
    avcc_packet = bytes.fromhex("0000000306aabb0000000265880000000941")
    assert hls.nal_unit_types(avcc_packet, 4) == [6, 5]
    assert hls.nal_unit_types(bytes.fromhex("0002419a"), 2) == [1]
    # Annex B: access unit delimiter, SPS, PPS, IDR slice (3- and 4-byte start codes).
    annexb = bytes.fromhex("0000000109f0000000016764001f0000000168ee0000016588")
    assert hls.nal_unit_types(annexb, None) == [9, 7, 8, 5]
    assert hls.nal_unit_types(b"", None) == []


def test_keyframes_on_grid() -> None:
    tol = 1 / 48  # half a frame at 24 fps
    assert hls.keyframes_on_grid([0.0, 2.0, 4.0, 6.0], 7.79, 2, tol)
    assert hls.keyframes_on_grid([0.0, 2.0], 4.0, 2, tol)  # no frame starts at 4.0 s
    assert hls.keyframes_on_grid([0.0, 2.0, 4.0], 4 + 1 / 24, 2, tol)  # one frame past 4 s: it is a keyframe
    assert not hls.keyframes_on_grid([0.0, 2.0], 4 + 1 / 24, 2, tol)  # ... and here it is not
    assert hls.keyframes_on_grid([0.0, 2.005], 3.0, 2, tol)  # within half a frame
    assert hls.keyframes_on_grid([0.0], 1.5, 2, tol)  # shorter than one segment
    assert not hls.keyframes_on_grid([0.0], 4.0, 2, tol)  # libx264 defaults: one keyframe in 250 frames
    assert not hls.keyframes_on_grid([0.0, 1.5, 2.0, 4.0], 5.0, 2, tol)  # an extra (scene-cut) keyframe
    assert not hls.keyframes_on_grid([0.0, 2.1, 4.0], 5.0, 2, tol)  # off the grid by more than half a frame
    assert not hls.keyframes_on_grid([0.5, 2.0], 3.0, 2, tol)  # the first frame is not a keyframe
    assert not hls.keyframes_on_grid([], 3.0, 2, tol)
    for segment_s, tolerance_s in ((0, tol), (2, 0), (2, 1.0)):
        with pytest.raises(ValueError):
            hls.keyframes_on_grid([0.0], 3.0, segment_s, tolerance_s)

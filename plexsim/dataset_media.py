"""Media, parts and streams for the sample library: resolutions, codecs, HDR / Dolby Vision, languages.

Stream attributes come from small template caches, so 50,000 movies share their attribute strings.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from plexsim import names
from plexsim.model import Library, Media, Part, Stream

T = TypeVar("T")


class Weighted(Generic[T]):
    """A population with cumulative weights; each pick costs one `random()` draw and a bisect."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, items: Sequence[T], weights: Iterable[float]) -> None:
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect(self.cum, rng.random() * self.total)]

    def some(self, rng: random.Random, k: int) -> list[T]:
        """Up to `k` distinct picks, in pick order."""
        items, cum, total, draw = self.items, self.cum, self.total, rng.random
        return list(dict.fromkeys([items[bisect.bisect(cum, draw() * total)] for _ in range(k)]))


def weighted_pairs(pairs: Iterable[tuple[T, float]]) -> Weighted[T]:
    """A `Weighted` from (item, weight) pairs."""
    items, weights = zip(*pairs, strict=True)
    return Weighted(items, weights)


def zipf(items: Sequence[T], offset: float, exponent: float = 1.0) -> Weighted[T]:
    """Zipf-like weights: the head of `items` recurs often, the tail rarely."""
    return Weighted(items, (1.0 / (i + offset) ** exponent for i in range(len(items))))


# resolution -> (width, heights, bitrate range kbps)
_RESOLUTIONS: dict[str, tuple[int, tuple[int, ...], tuple[int, int]]] = {
    "4k": (3840, (2160, 1608), (14_000, 60_000)),
    "1080": (1920, (1080, 800), (4_000, 18_000)),
    "720": (1280, (720, 536), (2_000, 6_000)),
    "480": (720, (480,), (900, 2_500)),
    "sd": (640, (352, 272), (500, 1_400)),
}
RES_MODERN = weighted_pairs((("4k", 14), ("1080", 48), ("720", 18), ("480", 8), ("sd", 12)))
RES_CLASSIC = weighted_pairs((("4k", 4), ("1080", 40), ("720", 20), ("480", 16), ("sd", 20)))
RES_TV = weighted_pairs((("4k", 8), ("1080", 60), ("720", 20), ("480", 6), ("sd", 6)))
_VIDEO_CODECS: dict[str, Weighted[str]] = {
    "4k": weighted_pairs((("hevc", 92), ("av1", 8))),
    "1080": weighted_pairs((("h264", 70), ("hevc", 25), ("av1", 5))),
    "720": weighted_pairs((("h264", 90), ("hevc", 10))),
    "480": weighted_pairs((("h264", 60), ("mpeg4", 25), ("mpeg2video", 15))),
    "sd": weighted_pairs((("h264", 50), ("mpeg4", 50))),
}
_AUDIO_CODECS: dict[str, Weighted[str]] = {
    "high": weighted_pairs((("truehd", 35), ("eac3", 25), ("dca", 25), ("ac3", 10), ("aac", 3), ("flac", 2))),
    "mid": weighted_pairs((("ac3", 30), ("eac3", 25), ("aac", 20), ("dca", 15), ("truehd", 5), ("flac", 5))),
    "low": weighted_pairs((("aac", 55), ("ac3", 40), ("flac", 5))),
}
_CHANNELS: dict[str, Weighted[int]] = {
    "aac": weighted_pairs(((2, 80), (6, 15), (1, 5))),
    "ac3": weighted_pairs(((6, 80), (2, 20))),
    "eac3": weighted_pairs(((6, 70), (8, 30))),
    "dca": weighted_pairs(((6, 70), (8, 30))),
    "truehd": weighted_pairs(((8, 75), (6, 25))),
    "flac": weighted_pairs(((2, 70), (6, 30))),
}
_AUDIO_BITRATE = {"aac": 192, "ac3": 640, "eac3": 768, "dca": 1509, "truehd": 4200, "flac": 1800}
_LAYOUT = {1: ("mono", "Mono"), 2: ("stereo", "Stereo"), 6: ("5.1(side)", "5.1"), 8: ("7.1", "7.1")}
_CODEC_LABEL = {"dca": "DTS", "truehd": "TRUEHD", "h264": "H.264", "mpeg2video": "MPEG2VIDEO"}
_FRAME_RATES = weighted_pairs(
    ((("24p", "23.976"), 90), (("PAL", "25.000"), 5), (("NTSC", "29.970"), 3), (("60p", "59.940"), 2))
)
_SUB_CODECS = weighted_pairs((("srt", 55), ("pgs", 35), ("ass", 7), ("vobsub", 3)))

_VIDEO_TEMPLATES: dict[tuple[object, ...], dict[str, str]] = {}
_AUDIO_TEMPLATES: dict[tuple[object, ...], dict[str, str]] = {}
_SUB_TEMPLATES: dict[tuple[object, ...], dict[str, str]] = {}


def res_label(resolution: str) -> str:
    return {"4k": "4K", "sd": "SD"}.get(resolution, resolution + "p")


def _video_attrs(resolution: str, codec: str, height: int, rate: str, hdr: int) -> dict[str, str]:
    """Video stream attributes (shared strings via a template cache); hdr 0 none, 1 HDR10, 7/8 DV profile."""
    key = (resolution, codec, height, rate, hdr)
    template = _VIDEO_TEMPLATES.get(key)
    if template is None:
        ten_bit = hdr > 0 or codec == "av1" or (codec == "hevc" and resolution == "4k")
        profile = {"h264": "high", "hevc": "main 10" if ten_bit else "main", "av1": "main"}.get(codec, "main")
        label = _CODEC_LABEL.get(codec, codec.upper()) + (f" {profile.title()}" if codec == "hevc" else "")
        dynamic = {0: "", 1: "HDR10 "}.get(hdr, "DoVi/HDR10 ")
        colour = "bt2020" if hdr else ("bt709" if resolution not in ("480", "sd") else "smpte170m")
        template = {
            "default": "1",
            "bitDepth": "10" if ten_bit else "8",
            "chromaSubsampling": "4:2:0",
            "colorPrimaries": colour,
            "colorRange": "tv",
            "colorSpace": "bt2020nc" if hdr else ("bt709" if colour == "bt709" else "smpte170m"),
            "colorTrc": "smpte2084" if hdr else colour,
            "frameRate": rate,
            "height": str(height),
            "width": str(_RESOLUTIONS[resolution][0]),
            "level": "150" if resolution == "4k" else "41",
            "profile": profile,
            "refFrames": "1" if codec == "hevc" else "4",
            "scanType": "progressive",
            "displayTitle": f"{res_label(resolution)} {dynamic}({label})",
            "extendedDisplayTitle": f"{res_label(resolution)} {dynamic}({label})",
        }
        if hdr in (7, 8):
            template.update(
                DOVIPresent="1",
                DOVIProfile=str(hdr),
                DOVILevel="6",
                DOVIVersion="1.0",
                DOVIBLPresent="1",
                DOVIELPresent="1" if hdr == 7 else "0",
                DOVIRPUPresent="1",
                DOVIBLCompatID="6" if hdr == 7 else "1",
            )
        _VIDEO_TEMPLATES[key] = template
    return template


def _audio_attrs(lang: str, codec: str, channels: int, primary: bool) -> dict[str, str]:
    key = (lang, codec, channels, primary)
    template = _AUDIO_TEMPLATES.get(key)
    if template is None:
        language, tag, _ = names.LANGUAGES[lang]
        layout, layout_label = _LAYOUT[channels]
        display = f"{language} ({_CODEC_LABEL.get(codec, codec.upper())} {layout_label})"
        template = {
            "channels": str(channels),
            "bitrate": str(_AUDIO_BITRATE[codec] if channels > 2 else min(_AUDIO_BITRATE[codec], 320)),
            "language": language,
            "languageTag": tag,
            "languageCode": lang,
            "audioChannelLayout": layout,
            "samplingRate": "48000",
            "displayTitle": display,
            "extendedDisplayTitle": display,
        }
        if codec in ("truehd", "flac", "dca"):
            template["bitDepth"] = "24"
        if codec == "dca" and channels == 8:
            template["profile"] = "ma"
        elif codec == "aac":
            template["profile"] = "lc"
        if primary:
            template.update(selected="1", default="1")
        _AUDIO_TEMPLATES[key] = template
    return template


def _subtitle_attrs(lang: str, codec: str, forced: bool, hearing_impaired: bool) -> dict[str, str]:
    key = (lang, codec, forced, hearing_impaired)
    template = _SUB_TEMPLATES.get(key)
    if template is None:
        language, tag, _ = names.LANGUAGES[lang]
        extra = " Forced" if forced else (" SDH" if hearing_impaired else "")
        display = f"{language}{extra} ({codec.upper()})"
        template = {
            "language": language,
            "languageTag": tag,
            "languageCode": lang,
            "format": codec,
            "forced": "1" if forced else "0",
            "hearingImpaired": "1" if hearing_impaired else "0",
            "displayTitle": display,
            "extendedDisplayTitle": display,
        }
        if forced or hearing_impaired:
            template["title"] = "Forced" if forced else "SDH"
        _SUB_TEMPLATES[key] = template
    return template


def _audio_tracks(rng: random.Random, foreign: Weighted[str], lang: str) -> list[str]:
    tracks = [lang]
    if lang != "eng" and rng.random() < 0.5:
        tracks.append("eng")
    elif lang == "eng" and rng.random() < 0.12:
        tracks.append(foreign.pick(rng))
    return tracks


def _subtitle_tracks(rng: random.Random, foreign: Weighted[str], lang: str) -> list[tuple[str, bool, bool]]:
    """(languageCode, forced, hearingImpaired) per subtitle stream."""
    if lang != "eng":
        return [("eng", False, False)] if rng.random() < 0.9 else []
    subs: list[tuple[str, bool, bool]] = []
    if rng.random() < 0.04:
        subs.append(("eng", True, False))
    if rng.random() < 0.45:
        subs.append(("eng", False, rng.random() < 0.3))
        subs += [(code, False, False) for code in foreign.some(rng, names.randint(rng, 0, 2))]
    return subs


def _streams(
    lib: Library,
    rng: random.Random,
    foreign: Weighted[str],
    media: Media,
    lang: str,
    hdr: int,
    height: int,
    rate: str,
) -> list[Stream]:
    """Video, audio and subtitle streams of one part; fills the media's audio fields from the first track."""
    video = dict(_video_attrs(media.video_resolution, media.video_codec, height, rate, hdr))
    tier = (
        "high"
        if media.video_resolution == "4k"
        else ("mid" if media.video_resolution in ("1080", "720") else "low")
    )
    streams = [Stream(lib.next_id("stream"), 1, media.video_codec, 0, video)]
    for n, code in enumerate(_audio_tracks(rng, foreign, lang)):
        codec = _AUDIO_CODECS[tier].pick(rng) if n == 0 else names.pick(rng, ("ac3", "aac"))
        if media.container == "mp4" and codec in ("dca", "truehd", "flac"):
            media.container = "mkv"
        channels = _CHANNELS[codec].pick(rng)
        if n == 0:
            media.audio_codec, media.audio_channels = codec, channels
        streams.append(
            Stream(
                lib.next_id("stream"),
                2,
                codec,
                len(streams),
                dict(_audio_attrs(code, codec, channels, n == 0)),
            )
        )
    for code, forced, hearing in _subtitle_tracks(rng, foreign, lang):
        codec = "mov_text" if media.container == "mp4" else _SUB_CODECS.pick(rng)
        attrs = dict(_subtitle_attrs(code, codec, forced, hearing))
        streams.append(Stream(lib.next_id("stream"), 3, codec, len(streams), attrs))
    video["bitrate"] = str(max(300, media.bitrate - _AUDIO_BITRATE[media.audio_codec]))
    return streams


def build_media(
    lib: Library,
    rng: random.Random,
    resolution: str,
    duration: int,
    lang: str,
    path: str,
    foreign: Weighted[str],
) -> Media:
    """One Media with one Part; `lang` is the main audio language, `path` the file path without extension."""
    width, heights, (low, high) = _RESOLUTIONS[resolution]
    height = heights[0] if rng.random() < 0.6 else names.pick(rng, heights)
    codec = _VIDEO_CODECS[resolution].pick(rng)
    hdr = 0
    if resolution == "4k" and codec == "hevc" and rng.random() < 0.6:
        hdr = (8 if rng.random() < 0.7 else 7) if rng.random() < 0.45 else 1
    frame_rate, rate = _FRAME_RATES.pick(rng)
    if resolution in ("480", "sd"):
        container = names.pick(rng, ("avi", "mkv", "mp4"))
    else:
        container = "mp4" if rng.random() < 0.15 else "mkv"
    media = Media(
        id=lib.next_id("media"),
        duration=duration,
        bitrate=names.randint(rng, low, high),
        width=width,
        height=height,
        video_resolution=resolution,
        video_codec=codec,
        audio_codec="aac",
        audio_channels=2,
        container=container,
        video_profile="",
        video_frame_rate=frame_rate,
    )
    streams = _streams(lib, rng, foreign, media, lang, hdr, height, rate)
    media.video_profile = streams[0].attrs["profile"]
    size = media.bitrate * 125 * (duration // 1000)
    part = Part(lib.next_id("part"), f"{path}.{media.container}", size, duration, media.container, streams)
    media.parts.append(part)
    return media

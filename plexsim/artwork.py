"""Generated posters and backgrounds, image resizing for `/photo/:/transcode`, and content-type sniffing.

Items carry `metadata://...` artwork without stored bytes; the server draws the image on request here,
deterministically from the item's rating key, title and year, so the library never holds per-item bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import textwrap

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from plexsim.model import Item

# kind -> default (width, height): posters 2:3, backgrounds 16:9, logos wide and transparent
DEFAULT_SIZES: dict[str, tuple[int, int]] = {
    "posters": (400, 600),
    "arts": (640, 360),
    "clearLogos": (400, 155),
}
MAX_SIDE = 4096  # larger requests are clamped: a transcode URL must not make the server allocate gigabytes


def _palette(key: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """A background colour and a darker band colour derived from a stable hash of `key`."""
    digest = hashlib.sha1(key.encode()).digest()
    base = tuple(40 + b % 170 for b in digest[:3])
    band = tuple(c // 3 for c in base)
    return (base[0], base[1], base[2]), (band[0], band[1], band[2])


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow built without FreeType: fixed-size bitmap font
        return ImageFont.load_default()


def _draw_text(canvas: Image.Image, lines: list[str], size: int, top: int, fill: tuple[int, ...]) -> int:
    """Centre `lines` horizontally from `top`; returns the y below the last line."""
    draw = ImageDraw.Draw(canvas)
    font = _font(size)
    y = top
    for line in lines:
        left, upper, right, lower = draw.textbbox((0, 0), line, font=font)
        draw.text(((canvas.width - int(right - left)) // 2, y), line, font=font, fill=fill)
        y += int(lower - upper) + size // 3
    return y


@functools.lru_cache(maxsize=256)
def _render(key: str, title: str, year: int | None, kind: str, width: int, height: int) -> bytes:
    """Draw one image; cached because clients fetch the same thumbnail many times."""
    if kind == "clearLogos":
        canvas = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        size = max(10, height // 3)
        lines = textwrap.wrap(title, max(8, width * 2 // size))[:2]
        _draw_text(canvas, lines, size, max(0, (height - size * len(lines)) // 2), (255, 255, 255, 255))
    else:
        background, band = _palette(key)
        canvas = Image.new("RGB", (width, height), background)
        ImageDraw.Draw(canvas).rectangle((0, height * 2 // 3, width, height), fill=band)
        size = max(10, min(width, height) // 9)
        lines = textwrap.wrap(title, max(8, width * 2 // size))[:4]
        bottom = _draw_text(canvas, lines, size, height // 6, (255, 255, 255))
        if year is not None:
            _draw_text(canvas, [str(year)], max(8, size * 2 // 3), bottom + size // 2, (230, 230, 230))
        _draw_text(canvas, ["plexsim"], max(8, size // 2), height * 2 // 3 + size // 2, (200, 200, 200))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=False)
    return out.getvalue()


def generated_image(item: Item, kind: str, width: int | None = None, height: int | None = None) -> bytes:
    """A deterministic PNG for `item`: kind "posters" (2:3), "arts" (16:9) or "clearLogos" (transparent).

    Sizes default per kind (posters 400x600, arts 640x360); one given side keeps the kind's aspect ratio.
    """
    if kind not in DEFAULT_SIZES:
        raise ValueError(
            f"no generated image for artwork kind {kind!r}; expected one of {sorted(DEFAULT_SIZES)}"
        )
    dw, dh = DEFAULT_SIZES[kind]
    if width and not height:
        width, height = width, width * dh // dw
    elif height and not width:
        width, height = height * dw // dh, height
    w, h = _clamp(width or dw), _clamp(height or dh)
    return _render(f"{item.rating_key}:{item.title}", item.title, item.year, kind, w, h)


def _clamp(value: int) -> int:
    return max(1, min(MAX_SIDE, int(value)))


def resize(data: bytes, width: int, height: int) -> bytes:
    """Fit the image inside width x height (aspect kept, upscaling allowed), re-encoded as PNG or JPEG.

    Bytes Pillow cannot read are returned unchanged, as are requests without a positive size.
    """
    if width <= 0 and height <= 0:
        return data
    try:
        with Image.open(io.BytesIO(data)) as source:
            source.load()
            image = source.copy()
            original_format = source.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return data
    w = _clamp(width) if width > 0 else MAX_SIDE
    h = _clamp(height) if height > 0 else MAX_SIDE
    scale = min(w / image.width, h / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    image = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if original_format == "JPEG" and image.mode in ("RGB", "L"):
        image.save(out, format="JPEG", quality=88)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, format="PNG")
    return out.getvalue()


def image_content_type(data: bytes) -> str:
    """The MIME type from PNG/JPEG/GIF/WEBP magic bytes; application/octet-stream otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"

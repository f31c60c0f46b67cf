"""Hostile pictures, shared by the tests of the picture gate and of each of its entry
points (content load, bundle import, certificate logo, rendering).

Each comes with a file name and the words its refusal must contain (in English: tests
run in English unless they switch language).
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from dataclasses import dataclass

from PIL import Image

XLINK = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
OUTSIDE = "/abs/path.png"  # an absolute path an SVG must not reach


@dataclass(frozen=True)
class Hostile:
    name: str  # the file name to give it
    data: bytes
    reason: str  # what the refusal says, after the file name
    mime: str  # what a media row would claim it is

    @property
    def svg(self) -> bool:
        return self.mime == "image/svg+xml"

    @property
    def decode_only(self) -> bool:
        """Found out only by decoding every pixel: a signed bundle's picture passes its
        structural check at import and is refused when it is first shown."""
        return self.name in DECODE_ONLY


def xxe_svg(encoding: str) -> str:
    """An SVG whose DOCTYPE declares an external entity (XXE)."""
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n'
            '<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
            f'<svg {XLINK} width="10" height="10"><text>&secret;</text></svg>\n')


def laughs_svg(encoding: str) -> str:
    """An SVG whose DOCTYPE declares entities that multiply (a small billion laughs)."""
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 6))
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n<!DOCTYPE svg [{entities}]>\n'
            f'<svg {XLINK} width="10" height="10"><text>&l5;</text></svg>\n')


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + \
        struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


@functools.cache
def huge_png(side: int = 30000) -> bytes:
    """A valid 1-bit PNG of side × side pixels: about 110 KB that would decode to 900
    megapixels. Built row by row, so making it needs no such memory either."""
    row = b"\x00" + bytes((side + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


@functools.cache
def photo_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((240, 160), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def good_png(size: tuple[int, int] = (12, 8), colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


#: Sound headers, damaged pixels: found at the first display of a picture from a bundle
#: (docs/security.md, "Pictures from a content bundle").
DECODE_ONLY = frozenset({"truncated.jpg"})
HOSTILE_NAMES = ["xxe-utf8.svg", "xxe-utf16.svg", "laughs-utf16.svg", "script.svg",
                 "onload.svg", "external.svg", "huge.png", "truncated.jpg"]


@functools.cache
def hostile(name: str) -> Hostile:
    """One of the cases the issue names: XXE/DOCTYPE in UTF-8 and UTF-16 (and entities in
    UTF-16), <script>, onload=, an external xlink:href, a 30000×30000 PNG and a truncated
    JPEG."""
    svg = "image/svg+xml"
    jpeg = photo_jpeg()
    cases = [
        Hostile("xxe-utf8.svg", xxe_svg("UTF-8").encode("utf-8"),
                "SVG files with a DOCTYPE or entities are refused", svg),
        Hostile("xxe-utf16.svg", xxe_svg("UTF-16").encode("utf-16"),
                "SVG files with a DOCTYPE or entities are refused", svg),
        # UTF-16 with a BOM: "<!DOCTYPE" is not in the bytes, a NUL follows each letter.
        Hostile("laughs-utf16.svg", laughs_svg("UTF-16").encode("utf-16"),
                "SVG files with a DOCTYPE or entities are refused", svg),
        Hostile("script.svg", f'<svg {XLINK}><script>alert(1)</script></svg>'.encode(),
                "SVG refused: it contains a script (<script>)", svg),
        Hostile("onload.svg", f'<svg {XLINK} onload="alert(1)"><rect/></svg>'.encode(),
                "SVG refused: the event attribute onload on <svg> runs a script", svg),
        Hostile("external.svg",
                f'<svg {XLINK} width="10" height="10"><image xlink:href="{OUTSIDE}" '
                'width="10" height="10"/></svg>'.encode(),
                f"SVG refused: href='{OUTSIDE}' on <image> is not a link inside the picture",
                svg),
        Hostile("huge.png", huge_png(), "the image has more than 40 megapixels", "image/png"),
        Hostile("truncated.jpg", jpeg[:len(jpeg) * 2 // 3],
                "not a readable JPEG picture: the file is damaged or truncated", "image/jpeg"),
    ]
    return {case.name: case for case in cases}[name]

"""Reading back what our PDFs draw, for the tests of several apps: the content streams
(reportlab writes them ASCII85 + Flate), the text shown, decoded through the font each string
is shown in (the embedded CJK font is written as subsets of up to 256 glyphs, one byte a
glyph, each subset with a /ToUnicode CMap; reportlab's standard fonts are WinAnsi), the fonts
embedded, and the QR codes drawn as filled rectangles, rebuilt as matrices to compare with
segno's encoding of the expected link. No PDF library is pinned, and these are all the tests
need."""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
STREAM = re.compile(rb"<<(.*?)>>\s*stream\r?\n(.*)endstream", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
# Content stream tokens: a literal string (balanced parentheses, backslash escapes), a hex
# string, a name, an array bracket, or a number or operator.
TOKEN = re.compile(
    rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)|<[0-9A-Fa-f\s]*>|/[^\s/<>\[\]()]+|[\[\]]"
    rb"|[^\s/<>\[\]()]+",
    re.S,
)
HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
# Operators that move to a new text position: a shown string ends there.
NEW_POSITION = {b"Td", b"TD", b"Tm", b"T*", b"BT", b"ET", b"'", b'"'}


@dataclass
class _Object:
    head: bytes  # the dictionary (or the whole object when it is no stream)
    data: bytes | None  # the decoded stream, if any


def _decode(head: bytes, body: bytes) -> bytes:
    data = body
    if b"/ASCII85Decode" in head:
        data = base64.a85decode(data.strip().removesuffix(b"~>"))
    if b"/FlateDecode" in head:
        data = zlib.decompressobj().decompress(data)
    return data


def objects(pdf: bytes) -> dict[int, _Object]:
    """The PDF's numbered objects, streams decoded."""
    found = {}
    for number, body in OBJECT.findall(pdf):
        stream = STREAM.match(body)
        if stream:
            head = stream.group(1)
            found[int(number)] = _Object(head, _decode(head, stream.group(2)))
        else:
            found[int(number)] = _Object(body, None)
    return found


def _referenced(objs: dict[int, _Object], key: bytes) -> set[int]:
    pattern = re.compile(rb"/" + key + rb" (\d+) 0 R")
    return {int(n) for obj in objs.values() for n in pattern.findall(obj.head)}


def page_streams(pdf: bytes) -> list[bytes]:
    """The decoded content streams (pages and forms), in file order: not the fonts' files and
    CMaps, not images."""
    objs = objects(pdf)
    fonts = _referenced(objs, rb"ToUnicode") | _referenced(objs, rb"FontFile\d?")
    return [
        obj.data
        for number, obj in sorted(objs.items())
        if obj.data is not None and number not in fonts and b"/Subtype /Image" not in obj.head
    ]


def embedded_fonts(pdf: bytes) -> list[str]:
    """The BaseFont names of the fonts whose program is in the PDF (a /FontFile2 stream, or
    /FontFile, /FontFile3), e.g. "AAAAAA+WenQuanYiZenHei"."""
    objs = objects(pdf)
    names = []
    for obj in objs.values():
        found = re.search(rb"/FontFile\d? (\d+) 0 R", obj.head)
        if found and (objs[int(found.group(1))].data or b""):
            name = re.search(rb"/FontName /([^\s/<>\[\]()]+)", obj.head)
            assert name is not None, obj.head
            names.append(name.group(1).decode("latin-1"))
    return names


def _unescape(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i : i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = raw[i + 1 : i + 2]
        if nxt in ESCAPES:
            out += ESCAPES[nxt]
            i += 2
        elif nxt.isdigit():
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            assert octal is not None
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        elif nxt in (b"\n", b"\r"):  # a line continuation
            i += 2
        else:
            out += nxt
            i += 2
    return bytes(out)


def _string(token: bytes) -> bytes:
    if token.startswith(b"("):
        return _unescape(token[1:-1])
    digits = re.sub(rb"\s", b"", token[1:-1])
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())


def _cmap(text: bytes) -> dict[bytes, str]:
    """A ToUnicode CMap's code → text map, from its bfchar and bfrange sections."""
    mapping: dict[bytes, str] = {}

    def target(hexits: bytes) -> str:
        return bytes.fromhex(hexits.decode()).decode("utf-16-be")

    for section in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        pairs = HEX.findall(section)
        for src, dst in zip(pairs[::2], pairs[1::2], strict=True):
            mapping[bytes.fromhex(src.decode())] = target(dst)
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, rest in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", section
        ):
            width, first, last = len(lo) // 2, int(lo, 16), int(hi, 16)
            codes = [n.to_bytes(width, "big") for n in range(first, last + 1)]
            if rest.startswith(b"["):
                for code, dst in zip(codes, HEX.findall(rest), strict=False):
                    mapping[code] = target(dst)
            else:  # consecutive codes, the last UTF-16 unit counting up
                start = bytes.fromhex(rest[1:-1].decode())
                for offset, code in enumerate(codes):
                    unit = int.from_bytes(start[-2:], "big") + offset
                    mapping[code] = (start[:-2] + unit.to_bytes(2, "big")).decode("utf-16-be")
    return mapping


def _decoders(objs: dict[int, _Object]) -> dict[bytes, dict[bytes, str]]:
    """Each font resource name (as `Tf` selects it, e.g. b"F1+0") → its ToUnicode map (empty
    for a font without one: its bytes are read as WinAnsi)."""
    names: dict[bytes, dict[bytes, str]] = {}
    for obj in objs.values():
        if b"/Type /Font" not in obj.head:
            continue
        name = re.search(rb"/Name /([^\s/<>\[\]()]+)", obj.head)
        if name is None:
            continue
        cmap = re.search(rb"/ToUnicode (\d+) 0 R", obj.head)
        names[name.group(1)] = _cmap(objs[int(cmap.group(1))].data or b"") if cmap else {}
    return names


def _text(data: bytes, cmap: dict[bytes, str] | None) -> str:
    if not cmap:
        return data.decode("cp1252", errors="replace")
    width = len(next(iter(cmap)))
    return "".join(cmap.get(data[i : i + width], "\ufffd") for i in range(0, len(data), width))


def texts(pdf: bytes) -> list[str]:
    """Every string shown, decoded, in drawing order: the pieces shown at one text position
    (one `drawString`, one line of a paragraph: several when the text spans the font's
    subsets) joined into one."""
    objs = objects(pdf)
    decoders = _decoders(objs)
    shown: list[str] = []
    for stream in page_streams(pdf):
        font: bytes | None = None
        saved: list[bytes | None] = []
        piece: list[str] = []
        operands: list[bytes] = []
        for token in TOKEN.findall(stream):
            if token[:1] in (b"(", b"<", b"/", b"[", b"]") or re.fullmatch(rb"[-+.\d]+", token):
                operands.append(token)
                continue
            if token in NEW_POSITION and piece:
                shown.append("".join(piece))
                piece = []
            strings = [_string(t) for t in operands if t[:1] in (b"(", b"<")]
            if token == b"Tf":
                font = operands[0][1:]
            elif token == b"q":
                saved.append(font)
            elif token == b"Q" and saved:
                font = saved.pop()
            elif token in (b"Tj", b"TJ", b"'", b'"'):
                piece += [_text(s, decoders.get(font or b"")) for s in strings]
            operands = []
        if piece:
            shown.append("".join(piece))
    return shown


def qr_matrices(pdf: bytes) -> list[list[list[bool]]]:
    """The QR codes, one matrix per code in drawing order: a filled path of many rectangles
    one module high (a row's run of dark modules each), its grid from its top-left module."""
    codes = []
    for stream in page_streams(pdf):
        tokens = stream.split()
        path: list[tuple[float, float, float, float]] = []
        for i, token in enumerate(tokens):
            if token == b"re":
                x, y, w, h = (float(t) for t in tokens[i - 4 : i])
                path.append((x, y, w, h))
            elif token == b"n":  # a new path
                path = []
            elif token in (b"f", b"f*"):  # filled: a code is a path of many rectangles
                if len(path) >= 20:
                    codes.append(_matrix(path))
                path = []
    return codes


def _matrix(rects: list[tuple[float, float, float, float]]) -> list[list[bool]]:
    module = min(h for _x, _y, _w, h in rects)
    left = min(x for x, _y, _w, _h in rects)
    top = max(y + h for _x, y, _w, h in rects)
    n = round((max(x + w for x, _y, w, _h in rects) - left) / module)
    matrix = [[False] * n for _ in range(n)]
    for x, y, w, _h in rects:
        row = round((top - y) / module) - 1
        first = round((x - left) / module)
        for col in range(first, first + round(w / module)):
            matrix[row][col] = True
    return matrix

"""Reading back what our PDFs draw, for the tests: the page streams (reportlab writes them
ASCII85 + Flate), the text shown in the CJK font (UTF-16BE strings), and the QR codes drawn
module by module as filled squares, rebuilt as matrices to compare with segno's encoding of the
expected link. No PDF library is pinned, and these three are all the tests need."""

from __future__ import annotations

import base64
import re
import zlib
from collections import defaultdict

STREAM = re.compile(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", re.S)
# A literal string: parentheses with backslash escapes inside.
LITERAL = re.compile(rb"\(((?:[^()\\]|\\.)*)\)", re.S)
RECT = re.compile(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re f")
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def page_streams(pdf: bytes) -> list[bytes]:
    """The decoded content streams (pages and forms), in file order."""
    found = []
    for head, body in STREAM.findall(pdf):
        if b"/FontFile" in head or b"/Subtype /Image" in head:
            continue
        data = body
        if b"/ASCII85Decode" in head:
            data = base64.a85decode(data.strip().removesuffix(b"~>"))
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        found.append(data)
    return found


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
        else:
            out += nxt
            i += 2
    return bytes(out)


def texts(pdf: bytes) -> list[str]:
    """Every string shown in the CJK font, decoded, in drawing order."""
    shown = []
    for stream in page_streams(pdf):
        for block in re.findall(rb"BT(.*?)ET", stream, re.S):
            for raw in LITERAL.findall(block):
                data = _unescape(raw)
                if len(data) % 2 == 0:
                    shown.append(data.decode("utf-16-be", errors="replace"))
    return shown


def qr_matrices(pdf: bytes) -> list[list[list[bool]]]:
    """The QR codes drawn as filled squares, one matrix per code, in drawing order. Squares of
    one size drawn one after another make a code; its grid runs from its top-left square."""
    codes = []
    for stream in page_streams(pdf):
        groups: dict[tuple[float, int], list[tuple[float, float]]] = defaultdict(list)
        order = 0
        previous = None
        for x, y, w, h in RECT.findall(stream):
            size = round(float(w), 3)
            if size != round(float(h), 3) or size > 20:  # modules are small squares
                previous = None
                continue
            if previous != size:
                order += 1
                previous = size
            groups[(size, order)].append((float(x), float(y)))
        for (size, _order), squares in sorted(groups.items(), key=lambda kv: kv[0][1]):
            left = min(x for x, _y in squares)
            top = max(y for _x, y in squares)
            cols = {round((x - left) / size) for x, _y in squares}
            rows = {round((top - y) / size) for _x, y in squares}
            n = max(max(cols), max(rows)) + 1
            matrix = [[False] * n for _ in range(n)]
            for x, y in squares:
                matrix[round((top - y) / size)][round((x - left) / size)] = True
            codes.append(matrix)
    return codes

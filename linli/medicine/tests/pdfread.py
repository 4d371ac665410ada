"""Reading back what our PDFs draw, for the tests: the page streams (reportlab writes them
ASCII85 + Flate), the text shown in the CJK font (UTF-16BE strings), and the QR codes drawn
as filled rectangles, rebuilt as matrices to compare with segno's encoding of the
expected link. No PDF library is pinned, and these three are all the tests need."""

from __future__ import annotations

import base64
import re
import zlib

STREAM = re.compile(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", re.S)
# A literal string: parentheses with backslash escapes inside.
LITERAL = re.compile(rb"\(((?:[^()\\]|\\.)*)\)", re.S)
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

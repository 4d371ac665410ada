"""Benchmark: a day's 750 bag labels as one PDF (32 A4 pages), in the embedded CJK font and,
for comparison, in reportlab's CID font STSong-Light (not embedded: what the PDFs used before).

    .venv/bin/python bench/labels_pdf.py                 # 3 runs each, medians
    .venv/bin/python bench/labels_pdf.py --labels 750 --runs 5

No database: the labels are made up (750 different masked names from 400 common characters,
24 committees, 6 compounds), then `linli.medicine.labels.labels_pdf` writes them. It prints
the font's registration (once per process), then for each font the median time to write the
PDF (of --runs) and its size.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")

# 400 common characters for names: CJK Unified Ideographs are contiguous from U+4E00.
CHARS = [chr(0x4E00 + n * 37) for n in range(400)]


def made_up_labels(count: int, seed: int) -> list:
    from linli.core.masking import mask_name
    from linli.medicine.labels import Label

    rng = random.Random(seed)
    committees = [f"第{n}居委{rng.choice(CHARS)}{rng.choice(CHARS)}" for n in range(24)]
    compounds = [f"{rng.choice(CHARS)}{rng.choice(CHARS)}苑" for _ in range(6)]
    return [
        Label(
            patient=mask_name("".join(rng.choice(CHARS) for _ in range(3))),
            committee=rng.choice(committees),
            place=f"{rng.choice(compounds)} {rng.randint(1, 30)}号楼 {rng.randint(101, 1804)}",
            number=f"{chr(65 + n % 26)}-{n:03d}",
            urgency=rng.choice(["red", "yellow", "green"]),
            cold_chain=rng.random() < 0.1,
            url=f"https://linli.example/medicine/bags/{100000 + n}/",
        )
        for n in range(count)
    ]


def timed(labels: list, runs: int) -> tuple[float, int]:
    from linli.medicine.labels import labels_pdf

    seconds, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        size = len(labels_pdf(labels, document_title="配药袋标签"))
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=int, default=750)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    import linli.core.posters as posters
    import linli.medicine.labels as labels_module

    labels = made_up_labels(args.labels, args.seed)
    start = time.perf_counter()
    posters.register_font()
    registered = time.perf_counter() - start
    print(f"embedded font: registered in {registered:.2f} s (once per process)")
    median, size = timed(labels, args.runs)
    print(f"embedded font: {args.labels} labels in {median:.2f} s, {size / 1024:.0f} KiB")

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    labels_module.FONT = "STSong-Light"  # the module's own name for the font, for this run only
    median, size = timed(labels, args.runs)
    print(
        f"STSong-Light (old, not embedded): {args.labels} labels in {median:.2f} s,"
        f" {size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()

"""Robustness on real-world text: the fraction of texts that give a shot list, and how fast.

Builds a fixed sample (seeded) of texts in the 11 languages from the real-world pieces of
tests/robust_pieces.py (names with titles, native and ASCII numbers, dates, quotations, URLs,
emoji, interjections, code-mixed English, one-word lines, long prose), runs each in-process
through the path the pipeline runs over gRPC (glossary translation -> scene analysis -> shot list
builder) and prints, per language, how many gave a shot list, and the median and p95 time from text
to shot list in milliseconds (spaCy loaded beforehand).

    .venv/bin/python benchmarks/robustness.py --texts 550 --seed 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.robust_pieces import DATES, EMOJI, ENGLISH_WORDS, LANGUAGES, NUMBERS, PIECES, QUOTES, URLS, native_digits


def sample_text(rng: random.Random, language: str) -> str:
    """One text of 10 to 2000 characters mixing real-world pieces of ``language``."""
    p = PIECES[language]
    if rng.random() < 0.05:
        return " ".join(rng.choice(p.sentences) for _ in range(60))[:1990].rsplit(" ", 1)[0]
    parts: list[str] = []
    for _ in range(rng.randint(1, 6)):
        kind = rng.randrange(8)
        if kind <= 2:
            parts.append(rng.choice(p.sentences))
        elif kind == 3:
            parts.append(rng.choice(p.interjections))
        elif kind == 4:
            parts.append(f"{rng.choice(p.titles)} {rng.choice(p.names)}")
        elif kind == 5:
            number = rng.choice(NUMBERS + DATES)
            parts.append(native_digits(number, p.zero) if rng.random() < 0.5 else number)
        elif kind == 6:
            opening, closing = rng.choice(QUOTES)
            parts.append(f"{opening}{rng.choice(p.sentences + p.names)}{closing}")
        else:
            parts.append(rng.choice(URLS + EMOJI + ENGLISH_WORDS))
    text = " ".join(parts)
    while len(text) < 10:
        text += " " + rng.choice(p.sentences)
    return text


def main() -> None:
    """Run the benchmark and print one line per language and a total."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=550, help="texts in the sample (spread over the languages)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    from tests.robust_texts import shot_list_for

    rng = random.Random(args.seed)
    sample = [(LANGUAGES[i % len(LANGUAGES)], "") for i in range(args.texts)]
    sample = [(lang, sample_text(rng, lang)) for lang, _ in sample]
    shot_list_for("A girl dances in the rain.", "en")  # load spaCy once
    ok: Counter[str] = Counter()
    total: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    times: list[float] = []
    for language, text in sample:
        total[language] += 1
        start = time.perf_counter()
        try:
            shot_list_for(text, language)
        except Exception as exc:  # a failure is what is being counted
            errors[f"{type(exc).__name__}: {str(exc)[:60]}"] += 1
            continue
        times.append((time.perf_counter() - start) * 1000)
        ok[language] += 1
    for language in LANGUAGES:
        print(f"{language}: {ok[language]}/{total[language]} gave a shot list")
    n_ok = sum(ok.values())
    print(f"all: {n_ok}/{len(sample)} = {n_ok / len(sample):.1%} gave a shot list")
    if times:
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
        print(f"text -> shot list: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms over {len(times)} texts")
    for message, count in errors.most_common(5):
        print(f"  {count} x {message}")


if __name__ == "__main__":
    main()

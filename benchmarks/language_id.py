"""Language-ID evaluation: accuracy per language and kind of text, candidates and methods side by side.

Reads the labelled set ``tests/data/language_id.tsv`` (news, stories, chat and short lines in the 11
supported and the 10 refused languages; native script, romanized, code-mixed) and prints:

- per label and kind (native / short / mixed / romanized) and per method, the share of texts whose
  language is named exactly; for a refused language, the share refused at all follows in brackets;
- the confusion (label → what was answered) of the method before this change and of the current one.

Methods:

- ``before``: :func:`services.language.detect.detect_language` as of the revision given by
  ``--before`` (default: the commit before code-mixed text and the refused languages were handled),
  loaded from git; skipped when git or the revision is not there.
- ``after``: the current :func:`services.language.detect.detect_language`.
- ``pycld2``, ``py3langid``, ``langid``: the raw candidates on the whole text, unrestricted.
- ``gcld3``: CLD3 (``pip install cld3-py``), when installed.

A refusal (InvalidArgument UNSUPPORTED_LANGUAGE) answers with ``!`` and the ``language_code`` it names;
for the raw candidates, a language outside the supported eleven counts as a refusal (CLD2's ``bh``,
Bihari, names Maithili and Bhojpuri at once and is counted right for both; py3langid's ``gom`` is
Konkani).

Run: ``.venv/bin/python benchmarks/language_id.py`` (``--before REV`` to pick the baseline).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: benchmarks.baseline is imported from the root

from benchmarks.baseline import module_at  # noqa: E402
from services.language.detect import detect_language  # noqa: E402
from services.language.languages import REFUSED_LANGUAGES, SUPPORTED_LANGUAGES  # noqa: E402
from services.mesh.errors import InvalidArgument  # noqa: E402

DATA = ROOT / "tests" / "data" / "language_id.tsv"
BASELINE = "15ea142"
KINDS = ("native", "short", "mixed", "romanized")
ALIASES = {"bh": {"mai", "bho"}, "gom": {"kok"}}

Detector = Callable[[str], str]


def load() -> list[tuple[str, str, str]]:
    """(label, kind, text) rows of the evaluation set."""
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, kind, text = line.split("\t")
            rows.append((label, kind, text))
    return rows


def _service(detect: Callable[[str], object]) -> Detector:
    def run(text: str) -> str:
        try:
            return str(getattr(detect(text), "language", ""))
        except InvalidArgument as exc:
            return "!" + exc.metadata.get("language_code", exc.reason)

    return run


def _baseline(rev: str) -> Detector | None:
    try:
        module = module_at(rev, "services/language/detect.py", Path(tempfile.mkdtemp()))
    except (OSError, subprocess.CalledProcessError):
        return None
    return _service(module.detect_language)


def _raw(classify: Callable[[str], str]) -> Detector:
    def run(text: str) -> str:
        code = classify(text)
        return code if code in SUPPORTED_LANGUAGES else "!" + code

    return run


def detectors(before: str) -> dict[str, Detector]:
    """The methods compared, in column order."""
    import langid
    import py3langid
    import pycld2

    out: dict[str, Detector] = {}
    baseline = _baseline(before)
    if baseline is not None:
        out["before"] = baseline
    out["after"] = _service(detect_language)
    out["pycld2"] = _raw(lambda t: str(pycld2.detect(t, bestEffort=True)[2][0][1]))
    out["py3langid"] = _raw(lambda t: str(py3langid.classify(t)[0]))
    out["langid"] = _raw(lambda t: str(langid.classify(t)[0]))
    try:
        import gcld3

        cld3 = gcld3.NNetLanguageIdentifier(0, 1000)
        out["gcld3"] = _raw(lambda t: str(cld3.FindLanguage(t).language).split("-")[0])
    except ImportError:
        pass
    return out


def _right(label: str, answer: str) -> bool:
    code = answer.removeprefix("!")
    return code == label or label in ALIASES.get(code, set())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--before", default=BASELINE, help=f"git revision of the baseline detector (default {BASELINE})")
    args = p.parse_args()
    rows = load()
    methods = detectors(args.before)
    answers = {name: [detect(text) for _, _, text in rows] for name, detect in methods.items()}
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (label, kind, _) in enumerate(rows):
        groups[(label, kind)].append(i)
    order = [*SUPPORTED_LANGUAGES, *REFUSED_LANGUAGES]
    print(f"{len(rows)} texts; cells: named right (refused at all), per method\n")
    print(f"{'label':<6}{'kind':<10}{'n':>4}  " + "".join(f"{m:>14}" for m in methods))
    totals: dict[str, Counter[str]] = {m: Counter() for m in methods}
    for label in order:
        for kind in KINDS:
            idx = groups.get((label, kind))
            if not idx:
                continue
            cells = []
            for m in methods:
                right = sum(_right(label, answers[m][i]) for i in idx)
                refused = sum(answers[m][i].startswith("!") for i in idx)
                totals[m]["right"] += right
                group = "refused" if label in REFUSED_LANGUAGES else "supported"
                totals[m][group + "_right"] += right
                totals[m][group] += len(idx)
                if label in REFUSED_LANGUAGES:
                    totals[m]["refused_any"] += refused
                    cells.append(f"{right:>3}/{len(idx):<3}({refused:>2})")
                else:
                    cells.append(f"{right:>3}/{len(idx):<3}    ")
            print(f"{label:<6}{kind:<10}{len(idx):>4}  " + "".join(f"{c:>14}" for c in cells))
    print()
    for m in methods:
        t = totals[m]
        named, refused = t["refused_right"] / t["refused"], t["refused_any"] / t["refused"]
        print(
            f"{m:<10} all {t['right'] / len(rows):6.1%}   supported {t['supported_right'] / t['supported']:6.1%}   "
            f"refused: named {named:6.1%}, refused at all {refused:6.1%}"
        )
    for m in ("before", "after"):
        if m not in answers:
            continue
        print(f"\nconfusion ({m}): label -> answers (! = refused, naming the code)")
        for label in order:
            got = Counter(answers[m][i] for i, (lab, _, _) in enumerate(rows) if lab == label)
            wrong = {a: n for a, n in got.items() if not _right(label, a)}
            if wrong:
                print(f"  {label:<4} " + ", ".join(f"{a}×{n}" for a, n in sorted(wrong.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    sys.exit(main())

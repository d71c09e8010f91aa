"""How well the demand and limit reader finds the labels of a graded set: precision and recall per label.

    python bench/reading.py [--set ../shared/eval/limits-dev] [--errors] [--json]

Vacancies' required demands are compared with `labels.jsonl`'s `demands` (which lists only required ones); residents'
limits, holds and lacks with theirs, and `new_to` as "said they are new to some work". Exits quietly (status 0) with a
message when the set is not on this machine.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jobmatch.matching.demands import score_reading  # noqa: E402

DEFAULT_SET = ROOT.parent / "shared" / "eval" / "limits-dev"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _figure(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--set", type=Path, default=DEFAULT_SET, help="a folder with jobs.jsonl, profiles.jsonl, labels.jsonl"
    )
    parser.add_argument("--errors", action="store_true", help="also list each record read wrongly")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    names = ("jobs.jsonl", "profiles.jsonl", "labels.jsonl")
    if not all((args.set / name).is_file() for name in names):
        print(f"skipped: {args.set} has no {', '.join(names)}")
        return 0
    result = score_reading(*(_rows(args.set / name) for name in names))
    if args.json:
        print(
            json.dumps(
                result if args.errors else {k: v for k, v in result.items() if k != "errors"},
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    print(f"reading quality on {args.set}")
    print(f"{'kind':8} {'label':16} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    for kind in ("demands", "limits", "holds", "lacks", "new_to"):
        for label, row in result[kind].items():
            print(
                f"{kind:8} {label:16} {_figure(row['precision']):>9} {_figure(row['recall']):>7} "
                f"{row['tp']:>4} {row['fp']:>4} {row['fn']:>4}"
            )
    if args.errors:
        for error in result["errors"]:
            print(f"{error['id']:6} {error['kind']:8} {error['label']:16} {error['error']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

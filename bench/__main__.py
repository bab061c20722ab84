"""``python -m bench [--quick] [--out FILE]``: run the benchmark, print the table, write JSON.

Full run (default): real model, seed corpus, 100 generated articles, 10k and 100k
passages; about 10-15 minutes on 2 cores. ``--quick``: tiny sizes (the test suite runs
``--quick --encoder fake``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.encoders import KINDS, ROOT

DEFAULT_OUT = ROOT / "bench" / "results" / "latest.json"
QUICK_OUT = ROOT / "bench" / "results" / "quick.json"


def build_parser() -> argparse.ArgumentParser:
    from bench.run import SECTIONS

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (seconds, not comparable to targets)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"JSON output (default {DEFAULT_OUT.relative_to(ROOT)}; --quick: {QUICK_OUT.relative_to(ROOT)})",
    )
    parser.add_argument(
        "--encoder",
        choices=KINDS,
        default="real",
        help="real = multilingual-e5-small (default); fake = the tests' hashing encoder",
    )
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="seed corpus (default corpus/)")
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="keep indexes and corpora here (default: a temporary directory, removed)",
    )
    parser.add_argument("--skip", default="", help=f"comma-separated sections to skip: {','.join(SECTIONS)}")
    return parser


def main(argv: list[str] | None = None) -> int:
    from bench.report import table_lines, write_json
    from bench.run import FULL, QUICK, SECTIONS, Options, run_benchmark

    args = build_parser().parse_args(argv)
    skip = tuple(s.strip() for s in args.skip.split(",") if s.strip())
    unknown = set(skip) - set(SECTIONS)
    if unknown:
        print(f"unknown sections: {sorted(unknown)}; choose from {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    out = args.out or (QUICK_OUT if args.quick else DEFAULT_OUT)
    partial = out.with_name(out.stem + ".partial.json")
    options = Options(
        sizes=QUICK if args.quick else FULL,
        encoder=args.encoder,
        seed_corpus=args.corpus.resolve(),
        work_dir=args.work_dir,
        skip=skip,
        say=lambda m: print(m, file=sys.stderr, flush=True),
        checkpoint=lambda results: write_json(results, partial),
    )
    results = run_benchmark(options)
    print("\n".join(table_lines(results)))
    write_json(results, out)
    partial.unlink(missing_ok=True)
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

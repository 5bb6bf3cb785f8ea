"""Run every benchmark and print its figures: python -m tests.benchmarks [name ...]."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import pkgutil
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from tests.benchmarks.common import Result


def main(argv: Sequence[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "only", nargs="*", choices=[*names, []], help="benchmarks to run (default: all)"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    results: list[Result] = []
    for name in args.only or names:
        module = importlib.import_module(f"tests.benchmarks.{name}")
        print(f"== {name}", flush=True)
        for result in module.run():
            print(result.line(), flush=True)
            results.append(result)
    if args.json:
        args.json.write_text(
            json.dumps([asdict(r) | {"ratio": r.ratio, "ok": r.ok} for r in results], indent=1)
        )
    missed = [r.name for r in results if not r.ok]
    print(f"{len(results) - len(missed)} targets met, {len(missed)} missed", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

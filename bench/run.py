"""Run the project's benchmarks: `bench/run.py [name...]`, or all of them without names.

Each benchmark is a module bench/<name>.py with a main(argv) function that returns an
exit status. Benchmarks start their own servers on 127.0.0.1 and stop them afterwards.
"""

import argparse
import importlib
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(
        path.stem for path in BENCH_DIR.glob("*.py") if path.stem not in {"run", "__init__"}
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run: {', '.join(available())}")
    parser.add_argument(
        "--record", action="store_true", help="append the results to docs/benchmarks.md"
    )
    args = parser.parse_args()

    names = args.names or available()
    unknown = [name for name in names if name not in available()]
    if unknown:
        parser.error(
            f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(available())}"
        )

    sys.path.insert(0, str(BENCH_DIR.parent))
    sys.path.insert(0, str(BENCH_DIR))
    status = 0
    for name in names:
        print(f"== {name}", flush=True)
        module = importlib.import_module(name)
        status = module.main(["--record"] if args.record else []) or status
    return status


if __name__ == "__main__":
    sys.exit(main())

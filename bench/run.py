"""Run benchmarks by name: `python bench/run.py [name ...]`; with no name, all of them.

Each benchmark is a module `bench/<name>.py` with a `main(argv)` function that prints
its figures.
"""

import importlib
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent


def available() -> list[str]:
    return sorted(p.stem for p in BENCH_DIR.glob("*.py") if p.stem not in {"run", "__init__"})


def main(argv: list[str]) -> int:
    names = argv or available()
    unknown = [name for name in names if name not in available()]
    if unknown:
        print(
            f"Unknown benchmark: {', '.join(unknown)}. Available: {', '.join(available())}",
            file=sys.stderr,
        )
        return 2
    sys.path.insert(0, str(ROOT))
    for name in names:
        print(f"== {name} ==", flush=True)
        module = importlib.import_module(f"bench.{name}")
        module.main([])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

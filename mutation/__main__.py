"""Mutation testing on demand (not in CI): `.venv/bin/python -m mutation`.

Runs mutmut (configured in pyproject.toml) on SQLite only, then the hand-written wiring
mutants (mutation/wiring.py), and prints per module how many mutants the tests killed, how
many survived, and how many of the survivors are explained as equivalent in
mutation/equivalent.txt. `--report` only prints the last run's results; `--no-wiring` skips
the wiring mutants; mutant names (globs) given are passed to mutmut."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from . import wiring

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = Path(__file__).with_name("equivalent.txt")
STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    36: "timeout",
    -24: "timeout",
    24: "timeout",
    152: "timeout",
    255: "timeout",
    33: "no tests",
    5: "no tests",
    None: "not checked",
}


def equivalents() -> dict[str, str]:
    """Mutant name -> why it changes no behaviour (one line each: `name  reason`)."""
    explained = {}
    for line in EQUIVALENT.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            explained[name] = reason.strip()
    return explained


def results() -> dict[str, dict[str, str]]:
    """Per mutated file: mutant name -> status, from mutmut's files in mutants/."""
    by_file = {}
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        by_file[str(meta.relative_to(ROOT / "mutants"))[: -len(".meta")]] = {
            name: STATUS.get(code, "suspicious") for name, code in codes.items()
        }
    return by_file


def report(wiring_results: dict[str, str] | None) -> int:
    explained = equivalents()
    unexplained = []
    unchecked = 0
    print(
        f"{'module':<24} {'killed':>7} {'survived':>9} {'equivalent':>11} {'timeout':>8} {'unchecked':>10} {'other':>6} {'total':>6}"  # noqa: E501
    )
    for path, statuses in results().items():
        count = Counter(statuses.values())
        survivors = [name for name, status in statuses.items() if status == "survived"]
        equivalent = [name for name in survivors if name in explained]
        unexplained += [name for name in survivors if name not in explained]
        unchecked += count["not checked"]
        other = len(statuses) - count["killed"] - count["survived"] - count["timeout"] - count["not checked"]
        print(
            f"{path:<24} {count['killed']:>7} {count['survived']:>9} {len(equivalent):>11} {count['timeout']:>8} "
            f"{count['not checked']:>10} {other:>6} {len(statuses):>6}"
        )
    if wiring_results is not None:
        count = Counter(wiring_results.values())
        print(
            f"{'wiring (by hand)':<24} {count['killed']:>7} {count['survived']:>9} {0:>11} {0:>8} {0:>10} "
            f"{len(wiring_results) - count['killed'] - count['survived']:>6} {len(wiring_results):>6}"
        )
        unexplained += [f"wiring: {name}" for name, status in wiring_results.items() if status != "killed"]
    if unchecked:
        print(f"not checked yet: {unchecked} (the run was stopped; run again to go on, verdicts are kept)")
    print(f"survived, unexplained: {len(unexplained)}")
    for name in unexplained:
        print(f"    {name}")
    return 1 if unexplained or unchecked else 0


def main(arguments: list[str]) -> int:
    flags = {a for a in arguments if a.startswith("--")}
    names = [a for a in arguments if not a.startswith("--")]
    if "--report" not in flags:
        env = {**os.environ, "TEST_DATABASES": "sqlite"}
        mutmut = [
            str(Path(sys.executable).with_name("mutmut")),
            "run",
            "--max-children",
            str(os.cpu_count() or 2),
            *names,
        ]
        subprocess.run(mutmut, cwd=ROOT, env=env, check=False)
        if "--no-wiring" not in flags:
            wiring.run()
    return report(wiring.last_results() or None)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

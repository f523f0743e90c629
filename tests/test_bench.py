"""bench/speed.py still runs: its fixture builds what it says, and a tiny smoke run (SQLite,
a few dozen responses) measures every HTTP row before and after. It asserts what was
built and counted, never how fast anything was. The real run is `bench/speed.py --quick`
or without flags (see its docstring)."""

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bench import speed
from surveys.instrument import get_instrument

pytestmark = pytest.mark.load
ROOT = Path(__file__).resolve().parents[1]


def test_the_fixture_releases_its_round_in_steps_through_the_apps_own_command(tmp_path):
    database = tmp_path / "own.db"
    result = subprocess.run(
        [sys.executable, "bench/fixture.py", "own", json.dumps({"url": f"sqlite:///{database}", "responses": 120})],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    fixture = json.loads(result.stdout.splitlines()[-1].removeprefix("FIXTURE "))
    round_id = int(fixture["api"].rsplit("/", 1)[1])
    with sqlite3.connect(database) as connection:
        one = lambda sql: connection.execute(sql, (round_id,)).fetchone()[0]  # noqa: E731
        assert one("SELECT count(*) FROM response WHERE round_id = ?") == 120
        assert one("SELECT count(*) FROM response WHERE round_id = ? AND release_number IS NULL") == 0
        # The round grew 50, 100, 120, with a release after each step.
        releases = connection.execute(
            "SELECT number, n FROM release WHERE round_id = ? ORDER BY number", (round_id,)
        ).fetchall()
        assert releases == [(1, 50), (2, 100), (3, 120)]
        # Every response has an answer to each statement of the latest version (the fixture's) and
        # a score per dimension it answered enough of; about 0.7 comments per response.
        statements = len(get_instrument().items)
        assert one("SELECT count(*) FROM answer JOIN response r ON r.id = response_id WHERE r.round_id = ?") == (
            120 * statements
        )
        scores = one("SELECT count(*) FROM response_score JOIN response r ON r.id = response_id WHERE r.round_id = ?")
        assert 690 <= scores <= 720
        comments = one("SELECT count(*) FROM comment JOIN response r ON r.id = response_id WHERE r.round_id = ?")
        assert 40 <= comments <= 140
        levels = one("SELECT count(DISTINCT level) FROM response WHERE round_id = ?")
        domains = one("SELECT count(DISTINCT domain) FROM response WHERE round_id = ?")
        assert (levels, domains) == (3, 7)
        figures = json.loads(one("SELECT figures FROM release WHERE round_id = ? ORDER BY number DESC LIMIT 1"))
    assert figures["total"]["urgency"]["n"] > 100  # the stored figures hold the whole round
    assert (fixture["stored"], fixture["released"], fixture["releases"]) == (120, 120, 3)


def test_a_smoke_run_measures_every_http_row_before_and_after(capsys):
    rows = speed.main(["--smoke", "--before", "HEAD", "--rows", "scale,cpu,programme", "--databases", "sqlite"])
    by_label = {row.label: row.values for row in rows}
    # Scale: 2 sizes x (dashboard, API) + 2 ratios + 2 page sizes + 3 neighbours; CPU: 7; programme: 1.
    assert len(rows) == 11 + 7 + 1
    for label, values in by_label.items():
        assert values["before"] is not None and values["after"] is not None, label
    # 3 pages of two dimensions and the profile page, each fetched and posted, plus intro and thanks.
    assert by_label["requests per complete questionnaire (anchor: 3)"] == {"before": 10, "after": 10}
    printed = capsys.readouterr().out
    assert "own round 60/20: dashboard, sqlite (goal <= 2x)" in printed and "after/before" in printed
    worktrees = subprocess.run(["git", "-C", str(ROOT), "worktree", "list"], capture_output=True, text=True).stdout
    assert "bench-before-" not in worktrees  # the before tree is gone again
    assert not speed.SERVERS


def test_a_row_the_older_tree_cannot_serve_reads_na():
    speed.RESULTS.clear()
    speed.add("programme view", "ms", {"before": None, "after": 12.34})
    speed.add("own round 100k/1k", "x", {"before": 3.0, "after": 1.5})
    out = io.StringIO()
    speed.report([speed.Tree("before", ROOT), speed.Tree("after", ROOT)], out)
    lines = out.getvalue().splitlines()
    assert lines[-2].split()[-3:] == ["n/a", "12.3", "n/a"]
    assert lines[-1].split()[-3:] == ["3.00x", "1.50x", "0.50x"]
    speed.RESULTS.clear()

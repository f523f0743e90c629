"""The load test of bench/load.py at a count CI can afford: gunicorn with four workers on a
real SQLite file and on PostgreSQL, clients that fetch each page and its CSRF token first.
The full run (1,000 questionnaires from 50 clients) is `.venv/bin/python bench/load.py`."""

import pytest

from bench.load import run

pytestmark = pytest.mark.load


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_every_questionnaire_is_stored_whole_under_load(database):
    result = run(database, questionnaires=60, clients=15, workers=4)
    assert result["failed"] == 0, result["failures"]
    assert result["submitted"] == result["responses"] == 60  # every questionnaire confirmed and stored
    assert result["incomplete"] == 0  # none with missing answers


def test_workers_killed_mid_submission_leave_nothing_half_written():
    result = run("sqlite", questionnaires=60, clients=15, workers=3, kills=4)
    assert result["killed"] >= 1
    assert result["incomplete"] == 0  # every stored response has all its answers
    # Every questionnaire either went through or failed; a sync worker serves one request at
    # a time, so each kill cuts off at most one questionnaire.
    assert result["submitted"] + result["failed"] == 60, result
    assert result["failed"] <= result["killed"], result["failures"]
    # A killed request may have committed before it died, never less than what was confirmed.
    assert result["submitted"] <= result["responses"] <= 60
    assert result["submitted"] >= 60 - result["killed"] >= 30  # the rest of the run still worked

"""What create_app makes of its settings: the environment (read when config.py is imported, so
each case runs in a fresh interpreter) and the mapping passed to it."""

import os
import socket
import subprocess
import sys

import click
import pytest

from app import create_app
from config import BASE_DIR, DEVELOPMENT_SECRET_KEY

IN_MEMORY = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True}


def python(code: str, **environment: str) -> subprocess.CompletedProcess:
    """Run `code` in a new interpreter in the project directory with these variables set."""
    env = {**os.environ, **environment}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


# --- MIN_GROUP_SIZE: never below 3 ------------------------------------------------------------


@pytest.mark.parametrize(("given", "used"), [(1, 3), (2, 3), (3, 3), (7, 7)])
def test_min_group_size_from_create_app_is_never_below_three(given, used):
    assert create_app({**IN_MEMORY, "MIN_GROUP_SIZE": given}).config["MIN_GROUP_SIZE"] == used


@pytest.mark.parametrize(("given", "used"), [("2", 3), ("7", 7)])
def test_min_group_size_from_the_environment_is_never_below_three(given, used):
    code = (
        "from app import create_app\n"
        "print(create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'TESTING': True}).config['MIN_GROUP_SIZE'])"
    )
    result = python(code, MIN_GROUP_SIZE=given)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(used)


# --- The development SECRET_KEY is refused when the app serves outside debug and testing -----

DEVELOPMENT = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": DEVELOPMENT_SECRET_KEY}


def test_serving_with_the_development_key_is_refused():
    """gunicorn calls create_app() like this: no debug, no testing, outside any flask command."""
    with pytest.raises(RuntimeError, match="Set SECRET_KEY to a long random value"):
        create_app(DEVELOPMENT)


def test_flask_run_with_the_development_key_is_refused():
    with click.Context(click.Command("run"), info_name="run"), pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(DEVELOPMENT)


@pytest.mark.parametrize("setting", [{"DEBUG": True}, {"TESTING": True}, {"SECRET_KEY": "a-long-random-value"}])
def test_debug_testing_or_an_own_key_start(setting):
    assert create_app({**DEVELOPMENT, **setting}).config["SECRET_KEY"]


@pytest.mark.parametrize("command", ["demo", "db", "user", "flask"])
def test_the_other_flask_commands_start_with_the_development_key(command):
    """They serve nobody: `flask db upgrade` and `flask demo` of the README's first command."""
    with click.Context(click.Command(command), info_name=command):
        assert create_app(DEVELOPMENT).config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY


def without_a_key(tmp_path) -> dict:
    """The environment of a fresh checkout: no SECRET_KEY, no debug, no .env, a new database."""
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "FLASK_DEBUG")}
    return {**env, "FLASK_SKIP_DOTENV": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}


def flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_readme_first_command_works_without_a_key_and_plain_run_is_refused(tmp_path):
    env = without_a_key(tmp_path)
    assert flask(env, "db", "upgrade").returncode == 0
    demo = flask(env, "demo")
    assert demo.returncode == 0 and "Survey link" in demo.stdout, demo.stderr
    with socket.socket() as taken:  # were the key accepted, run would fail on this port, not serve
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        served = flask(env, "run", "--port", str(taken.getsockname()[1]))
    assert served.returncode != 0 and "Set SECRET_KEY to a long random value" in served.stderr


def test_gunicorn_refuses_the_development_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "app:create_app()"],
        cwd=BASE_DIR,
        env=without_a_key(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0 and "Set SECRET_KEY to a long random value" in result.stdout + result.stderr

"""What create_app makes of its settings: the environment (read when config.py is imported, so
each case runs in a fresh interpreter) and the mapping passed to it."""
import os
import subprocess
import sys

import pytest

from app import create_app
from config import BASE_DIR

IN_MEMORY = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True}


def python(code: str, **environment: str) -> subprocess.CompletedProcess:
    """Run `code` in a new interpreter in the project directory with these variables set."""
    env = {**os.environ, **environment}
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True,
                          timeout=120)


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

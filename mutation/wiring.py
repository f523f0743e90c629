"""Mutants mutmut cannot make: it mutates code inside functions, not decorators or the calls
that bind an extension, so the rate-limit and CSRF wiring gets hand-written one-line breaks.
Each is applied in a copy of the tracked files, the tests named with it run there, and the
mutant counts as killed when they fail."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Wiring:
    name: str
    path: str
    old: str  # occurs exactly once in the file
    new: str
    tests: tuple[str, ...]


SECURITY, PASSWORDS = "tests/test_security.py", "tests/test_passwords.py"
LIMITED_SIGN_IN = (
    f"{SECURITY}::test_sign_in_is_rate_limited_after_repeated_failures",
    f"{PASSWORDS}::test_failures_from_one_client_do_not_lock_the_owner_out_elsewhere",
    f"{PASSWORDS}::test_one_client_trying_many_accounts_is_stopped_after_ten_a_minute",
    f"{PASSWORDS}::test_many_clients_reach_the_account_ceiling_and_a_reset_by_email_lifts_it",
)
LINK_GUESSING = (
    f"{SECURITY}::test_guessing_personal_links_is_rate_limited",
    f"{PASSWORDS}::test_unknown_links_are_404_and_guessing_them_is_limited",
    "tests/test_mutants_wiring.py::test_guessing_invitation_links_is_rate_limited",
)

MUTANTS = (
    Wiring(
        "sign-in limit per client removed",
        "auth/views.py",
        '@limiter.limit("10 per minute", methods=["POST"], deduct_when=counts_when(422))\n',
        "",
        LIMITED_SIGN_IN,
    ),
    Wiring(
        "sign-in limit per account and client removed",
        "auth/views.py",
        '@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=account_and_client_key, deduct_when=counts_when(422))\n',  # noqa: E501
        "",
        LIMITED_SIGN_IN,
    ),
    Wiring(
        "sign-in limit per account removed",
        "auth/views.py",
        '@limiter.limit("50 per hour", methods=["POST"], key_func=account_key, deduct_when=counts_when(422))\n',
        "",
        LIMITED_SIGN_IN,
    ),
    Wiring(
        "password-change limit removed",
        "auth/views.py",
        '@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=signed_in_user_key, deduct_when=counts_when(422))\n',  # noqa: E501
        "",
        (f"{PASSWORDS}::test_guessing_the_current_password_is_limited",),
    ),
    Wiring(
        "reset-request limit per client removed",
        "auth/views.py",
        '@limiter.limit("10 per hour", methods=["POST"])\n',
        "",
        (f"{PASSWORDS}::test_asking_for_links_is_limited_per_address_and_per_client",),
    ),
    Wiring(
        "reset-request limit per address removed",
        "auth/views.py",
        '@limiter.limit("3 per hour", methods=["POST"], key_func=reset_email_key)\n',
        "",
        (f"{PASSWORDS}::test_asking_for_links_is_limited_per_address_and_per_client",),
    ),
    Wiring(
        "reset-link guessing limit removed",
        "auth/views.py",
        '@limiter.limit("20 per minute", deduct_when=counts_when(404))  # guessing links gets slow\ndef reset_password',
        "def reset_password",
        LINK_GUESSING,
    ),
    Wiring(
        "/welkom/ guessing limit removed",
        "manage/views/accept.py",
        '@limiter.limit("20 per minute", deduct_when=counts_when(404))\ndef accept_invitation',
        "def accept_invitation",
        LINK_GUESSING,
    ),
    Wiring(
        "/u/ guessing limit removed",
        "surveys/views.py",
        '@limiter.limit("20 per minute", deduct_when=counts_when(404))  # guessing links gets slow\ndef personal_link',
        "def personal_link",
        LINK_GUESSING,
    ),
    Wiring(
        "a limit counts every answer, not only failures",
        "extensions.py",
        "return lambda response: response.status_code == status",
        "return lambda response: True",
        ("tests/test_mutants_wiring.py::test_successful_sign_ins_do_not_count_towards_the_limits", *LIMITED_SIGN_IN),
    ),
    Wiring(
        "app-wide CSRF check not bound",
        "app.py",
        "    csrf.init_app(app)\n",
        "",
        (
            "tests/test_mutants_wiring.py::test_the_app_wide_csrf_check_comes_before_everything_else",
            f"{SECURITY}::test_the_per_email_sign_in_limit_also_holds_for_json_bodies",
            f"{SECURITY}::test_every_post_without_a_valid_csrf_token_is_refused",
        ),
    ),
    Wiring(
        "close_round exempt from the app-wide CSRF check",
        "manage/views/rounds.py",
        '@bp.post("/<slug>/metingen/<id:round_id>/sluiten")\n',
        '@bp.post("/<slug>/metingen/<id:round_id>/sluiten")\n@__import__("extensions").csrf.exempt\n',
        ("tests/test_mutants_wiring.py::test_the_app_wide_csrf_check_comes_before_everything_else",),
    ),
)


def tracked_copy(target: Path) -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, destination)


def run_one(copy: Path, mutant: Wiring) -> str:
    path = copy / mutant.path
    original = path.read_text()
    if original.count(mutant.old) != 1:
        return "not applicable (text not found once)"
    path.write_text(original.replace(mutant.old, mutant.new))
    try:
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not browser and not load",
            *mutant.tests,
        ]
        result = subprocess.run(
            command, cwd=copy, capture_output=True, text=True, env={**os.environ, "TEST_DATABASES": "sqlite"}
        )
    finally:
        path.write_text(original)
    return {0: "survived", 1: "killed"}.get(result.returncode, f"error (pytest exit {result.returncode})")


RESULTS = ROOT / "mutants" / "wiring.json"  # the last run's, for `--report`


def run(names: list[str] | None = None) -> dict[str, str]:
    chosen = [m for m in MUTANTS if not names or m.name in names]
    with tempfile.TemporaryDirectory(prefix="wiring-") as directory:
        copy = Path(directory)
        tracked_copy(copy)
        results = {mutant.name: run_one(copy, mutant) for mutant in chosen}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({**last_results(), **results}, indent=1))
    return results


def last_results() -> dict[str, str]:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


if __name__ == "__main__":
    for name, status in run(sys.argv[1:] or None).items():
        print(f"{status:>10}  {name}")

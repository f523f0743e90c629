"""The README opens with the two commands, and CI runs exactly the second one."""

from config import BASE_DIR


def readme_commands() -> list[str]:
    text = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert text.startswith("```"), "the README must open with the fenced commands"
    block = text.split("```", 2)[1]
    return [line for line in block.splitlines()[1:] if line.strip()]


def test_readme_opens_with_exactly_two_commands():
    run, test = readme_commands()
    assert "flask --app app demo" in run and "flask --app app run" in run
    assert "pytest" in test


def test_ci_runs_the_readme_test_command():
    ci_lines = (BASE_DIR / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert readme_commands()[1] in ci_lines

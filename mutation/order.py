"""A pytest plugin for the mutation run only (pyproject.toml [tool.mutmut]): tests without
the database run first, then the release rule's own tests, then the rest. mutmut orders a
mutant's tests by their call time, which leaves out fixture set-up, so an HTTP test looks as
cheap as a unit test; with -x, a mutant the unit tests kill then dies in a second instead of
after minutes of HTTP tests."""

#: They make rounds through the submission code and read the stored figures directly: a
#: mutant of dashboard/releases.py (which every submission calls) dies there in about ten
#: seconds, where the HTTP suites took a minute a mutant (measured with MUTANT_UNDER_TEST set).
RULE_TESTS = ("tests/test_mutants_releases.py", "tests/test_stored_figures.py", "tests/test_anonymity_rule.py")


def pytest_collection_modifyitems(items):
    def rank(item) -> tuple[bool, bool]:
        return "app" in getattr(item, "fixturenames", ()), not item.nodeid.startswith(RULE_TESTS)

    items.sort(key=rank)  # stable: keeps mutmut's order within each kind

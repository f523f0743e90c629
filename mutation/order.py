"""A pytest plugin for the mutation run only (pyproject.toml [tool.mutmut]): tests without
the database run first. mutmut orders a mutant's tests by their call time, which leaves out
fixture set-up, so an HTTP test looks as cheap as a unit test; with -x, a mutant the unit
tests kill then dies in a second instead of after minutes of HTTP tests."""


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: "app" in getattr(item, "fixturenames", ()))  # stable: keeps the order within each kind

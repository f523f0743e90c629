"""Imports run only downwards (DESIGN.md "Rooms stay small"): code used by several blueprints
lives below all of them, so no package reaches up into one that builds on it. Read from the
source with ast, so an import inside a function counts too."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A module may import its own package and any package of a lower rank.
LAYERS = {
    "base": 0,  # the top-level helpers below
    "models": 1,
    "auth": 2,
    "surveys": 3,
    "dashboard": 4,
    "manage": 5,
}
BASE_MODULES = {"clock", "config", "extensions", "i18n", "text_rules", "assets", "mailer"}

# Upward imports that are kept on purpose, each with its reason.
ALLOWED_UPWARD = {
    (
        "surveys.views",
        "dashboard.releases",
    ): "a submission is what makes a release due: the view calls the release service after "
    "committing the response; dashboard.releases imports nothing of surveys/ but the core "
    "(instrument, scoring), so the module graph has no cycle",
    (
        "surveys.views_youth",
        "dashboard.youth",
    ): "the same for the youth questionnaire: a youth submission makes a youth release due; "
    "dashboard.youth imports nothing of surveys/ but the core (the youth instrument)",
}

# No Flask, no database: plain data in, plain data out.
CORE = {
    "surveys.instrument",
    "surveys.youth",
    "surveys.scoring",
    "surveys.radar",
    "surveys.stats",
    "surveys.reliability",
    "surveys.guide",
    "surveys.pages",
    "dashboard.anonymity",
    "dashboard.summary",
    "dashboard.charts",
    "dashboard.coverage",
}
CORE_MAY_IMPORT = {
    "__future__",
    "collections",
    "dataclasses",
    "fractions",  # exact sums of squares and products (surveys.reliability)
    "datetime",  # dates as plain data (trend charts on a time axis); today is clock.today(), outside the core
    "functools",
    "itertools",
    "json",
    "math",
    "pathlib",
    "re",
    "statistics",
    "tomllib",
    "typing",
    "enum",
    "numpy",
    "plotly",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def first_party_modules() -> dict[str, Path]:
    modules = {
        module_name(ROOT / f"{name}.py"): ROOT / f"{name}.py" for name in BASE_MODULES if (ROOT / f"{name}.py").exists()
    }
    for package in set(LAYERS) - {"base"}:
        for path in (ROOT / package).rglob("*.py"):
            modules[module_name(path)] = path
    return modules


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module the file imports (first-party ones resolved to the submodule when a
    `from package import submodule` names one)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target)
    return found


def layer(module: str) -> str:
    top = module.split(".")[0]
    return "base" if top in BASE_MODULES else top


def import_graph() -> dict[str, set[str]]:
    modules = first_party_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def first_party(target: str) -> bool:
    return target.split(".")[0] in LAYERS or target.split(".")[0] in BASE_MODULES


def test_the_graph_is_read():
    """Not vacuous: the parser finds the modules and the imports known to be there."""
    graph = import_graph()
    assert len(graph) > 40
    assert "auth.access" in graph["dashboard.views.pages"]
    assert "dashboard.queries" in graph["dashboard.releases"]  # `from . import queries`
    assert "surveys.instrument" in graph["surveys.responses"]  # `from .instrument import ...`


def test_imports_run_only_downwards():
    upward = []
    for source, targets in import_graph().items():
        for target in filter(first_party, targets):
            same_package = layer(source) == layer(target)
            if not same_package and LAYERS[layer(target)] > LAYERS[layer(source)]:
                if (source, target) not in ALLOWED_UPWARD:
                    upward.append(f"{source} imports {target}")
    assert upward == []


def test_the_allowed_exceptions_are_still_needed():
    """An exception nobody uses any more goes, so the list stays honest."""
    graph = import_graph()
    assert [pair for pair in ALLOWED_UPWARD if pair[1] not in graph.get(pair[0], set())] == []


def test_views_and_forms_are_the_top_of_their_package():
    """Nothing imports a blueprint but another part of it; only views and forms import forms."""
    wrong = []
    for source, targets in import_graph().items():
        for target in filter(first_party, targets):
            in_views = ".views" in f".{source}"
            if ".views" in f".{target}" and not (in_views and target.split(".")[0] == source.split(".")[0]):
                wrong.append(f"{source} imports {target}")
            if target.rpartition(".")[2] == "forms" and not (in_views or source.endswith("forms")):
                wrong.append(f"{source} imports {target}")
    assert wrong == []


def test_core_modules_import_no_flask_and_no_database():
    graph = import_graph()
    wrong = [
        f"{module} imports {target}"
        for module in sorted(CORE)
        for target in graph[module]
        if not (target in CORE or target.split(".")[0] in CORE_MAY_IMPORT)
    ]
    assert wrong == []

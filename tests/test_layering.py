"""The code's layers, checked by reading every module's imports.

Dependencies run one way, each layer importing only those before it:

    peer_research infrastructure (INFRASTRUCTURE below)
      <- peer_research domains (accounts, studies, audit, notifications, admin)
      <- consent
      <- surveys (logic, xlsform, core, codesign, translations, views)
      <- later packages (surveys/fielding, peer_research/wellbeing, peer_research/analysis, ...)

What the tests enforce, on every module of `peer_research/`, `surveys/` and `consent/`
(except `peer_research/migrations/`), counting every import, inside functions too:

1. `consent` never imports `surveys`.
2. Infrastructure modules import no domain package; only the composition root does.
3. A view module reaches another package only through its `services` module or its
   `__init__`; infrastructure, and the package its own package is part of (`surveys` for
   `surveys/translations/`), are open to it.
4. No two packages import each other: the package graph has no cycle.
5. View modules run no queries of their own; queries live in services.
6. No module is over 400 lines.
7. Packages with one door (`ONE_DOOR`: the co-design engine, wellbeing) are reached from
   outside only through it.

A package is the directory a module is in, except that `surveys/views/` belongs to
`surveys` for rule 3 and is its own package for rule 4. A lower layer tells a higher one
about events with blinker signals instead of importing it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED_PACKAGES = ("peer_research", "surveys", "consent")
SKIPPED_FOLDERS = ("peer_research/migrations",)
MAX_LINES = 400

# The bottom layer: shared plumbing that knows no domain. Open to every module.
INFRASTRUCTURE = frozenset(
    {
        "peer_research.db",
        "peer_research.config",
        "peer_research.edge",
        "peer_research.access",
        "peer_research.security",
        "peer_research.templating",
        "peer_research.pdf",
        "peer_research.assets",
        "peer_research.paging",
        "peer_research.forms",
        "peer_research.worddiff",
        "peer_research.images",
        "peer_research.errors",
        "peer_research.i18n",
        "peer_research.requestlog",
        "peer_research.mail",
        "peer_research.tokens",
        "peer_research.health",
        "peer_research.migrate",
    }
)
# The top: these wire the application together, so they may import any package. They sit
# above every layer and are left out of the package graph (rule 4).
COMPOSITION_ROOT = frozenset(
    {
        "peer_research",  # create_app
        "peer_research.cli",
        "peer_research.demo",
        "peer_research.sample_study",  # grows studies for the benchmark and query counts
        "peer_research.sample_fieldwork",  # their interviews
        "peer_research.sample_consent",  # their consent forms
        "peer_research.server",
        "peer_research.models",  # every model, for Alembic
    }
)
# Packages that other code may reach only through one module, whatever layer it is in.
ONE_DOOR = {
    "surveys.codesign": "surveys.codesign.services",
    "peer_research.wellbeing": "peer_research.wellbeing.services",
}
DOMAINS = (
    "peer_research.accounts",
    "peer_research.studies",
    "peer_research.audit",
    "peer_research.notifications",
    "peer_research.admin",
    "peer_research.wellbeing",
    "surveys",
    "consent",
)
# Queries a view may not run itself: these methods called on `session` or `db.session`.
QUERY_METHODS = frozenset({"execute", "scalar", "scalars", "get"})


@dataclass(frozen=True)
class Module:
    """One source file: its dotted name, path from the repository root and parsed text."""

    name: str
    path: str
    is_package: bool
    tree: ast.Module
    line_count: int


@dataclass(frozen=True)
class Import:
    """One imported module, with the file and line that import it."""

    path: str
    line: int
    target: str


def module_name(path: Path) -> tuple[str, bool]:
    """Return a file's dotted module name and whether it is a package's `__init__`."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


@cache
def all_modules() -> dict[str, Module]:
    """Read and parse every module of the scanned packages, by dotted name."""
    modules = {}
    for package in SCANNED_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(SKIPPED_FOLDERS):
                continue
            text = path.read_text(encoding="utf-8")
            name, is_package = module_name(path)
            tree = ast.parse(text, filename=relative)
            modules[name] = Module(name, relative, is_package, tree, len(text.splitlines()))
    return modules


def resolve(module: str | None, level: int, *, importer: str, importer_is_package: bool) -> str:
    """Turn a possibly relative `from` import into an absolute module name."""
    if level == 0:
        return module or ""
    package = importer if importer_is_package else importer.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{module}" if module else package


def collect_imports(
    tree: ast.Module, *, name: str, is_package: bool, known_modules: set[str]
) -> list[tuple[int, str]]:
    """List the line and module of every import in a parsed file, inside functions too."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = resolve(node.module, node.level, importer=name, importer_is_package=is_package)
            for alias in node.names:
                # `from package import module` imports the module, not just the package.
                submodule = f"{base}.{alias.name}"
                target = submodule if submodule in known_modules else base
                found.append((node.lineno, target))
    return sorted(set(found))


@cache
def imports_of(name: str) -> list[Import]:
    """Return the first-party imports of one scanned module."""
    module = all_modules()[name]
    found = collect_imports(
        module.tree, name=name, is_package=module.is_package, known_modules=set(all_modules())
    )
    return [
        Import(module.path, line, target)
        for line, target in found
        if is_within(target, SCANNED_PACKAGES)
    ]


def is_within(name: str, packages: tuple[str, ...] | frozenset[str]) -> bool:
    """Tell whether a dotted name is one of these packages or inside one."""
    return any(name == package or name.startswith(f"{package}.") for package in packages)


def directory_of(name: str) -> str:
    """Return the package (directory) a module is in; a package's `__init__` is in itself."""
    module = all_modules().get(name)
    if module is not None and module.is_package:
        return name
    return name.rpartition(".")[0]


def is_view(module: Module) -> bool:
    """Tell whether a module is a view module: `views.py`, `views/*.py` or `api.py`."""
    parts = module.path.split("/")
    return parts[-1] in ("views.py", "api.py") or (len(parts) > 1 and parts[-2] == "views")


def owner_for_views(name: str) -> str:
    """Return a module's package for rule 3, where `surveys/views/` belongs to `surveys`."""
    return directory_of(name).removesuffix(".views")


def fail_on(rule: str, violations: list[str], *, count: int | None = None) -> None:
    """Fail the test with every violation of one rule, one per line, if there are any."""
    if violations:
        total = len(violations) if count is None else count
        pytest.fail(f"{rule} ({total}):\n" + "\n".join(violations), pytrace=False)


def test_collector_finds_relative_and_function_level_imports():
    source = (
        "import os\n"
        "from . import sibling\n"
        "from .sibling import thing\n"
        "from ..other import models, helper\n"
        "def load():\n"
        "    import pkg.other as other\n"
        "    from ..other.models import Model\n"
        "    from . import *\n"
    )
    known = {"pkg", "pkg.sub", "pkg.sub.mod", "pkg.sub.sibling", "pkg.other", "pkg.other.models"}
    found = collect_imports(
        ast.parse(source), name="pkg.sub.mod", is_package=False, known_modules=known
    )
    assert found == [
        (1, "os"),
        (2, "pkg.sub.sibling"),
        (3, "pkg.sub.sibling"),
        (4, "pkg.other"),
        (4, "pkg.other.models"),
        (6, "pkg.other"),
        (7, "pkg.other.models"),
        (8, "pkg.sub"),
    ]
    in_init = ast.parse("from . import sibling\nfrom .. import other\n")
    assert collect_imports(in_init, name="pkg.sub", is_package=True, known_modules=known) == [
        (1, "pkg.sub.sibling"),
        (2, "pkg.other"),
    ]


def test_query_finder_sees_sqlalchemy_select_and_session_calls():
    source = (
        "import sqlalchemy as sa\n"
        "from flask import session as cookie\n"
        "def show(session):\n"
        "    session.get(User, 1)\n"
        "    db.session.scalars(sa.select(User))\n"
        "    select(User)\n"
        "    form.get('name')\n"
    )
    assert [line for line, _ in queries_in(ast.parse(source))] == [1, 4, 5, 5, 6]
    flask_session = "from flask import session\nsession.get('language')\n"
    assert queries_in(ast.parse(flask_session)) == []


def test_every_peer_research_module_has_a_layer():
    top_level = {
        name
        for name in all_modules()
        if directory_of(name) == "peer_research" and not is_within(name, DOMAINS)
    }
    unplaced = sorted(top_level - INFRASTRUCTURE - COMPOSITION_ROOT)
    missing = sorted((INFRASTRUCTURE | COMPOSITION_ROOT) - set(all_modules()))
    problems = [
        f"{all_modules()[name].path}:1: not listed in INFRASTRUCTURE or COMPOSITION_ROOT"
        for name in unplaced
    ] + [f"tests/test_layering.py:1: {name} is listed but does not exist" for name in missing]
    fail_on("Modules without a layer", problems)


def test_consent_never_imports_surveys():
    violations = [
        f"{found.path}:{found.line}: consent imports {found.target}"
        for name in all_modules()
        if is_within(name, ("consent",))
        for found in imports_of(name)
        if is_within(found.target, ("surveys",))
    ]
    fail_on("consent imports surveys", violations)


def test_infrastructure_imports_no_domain():
    violations = [
        f"{found.path}:{found.line}: infrastructure imports domain module {found.target}"
        for name in sorted(INFRASTRUCTURE & set(all_modules()))
        for found in imports_of(name)
        if is_within(found.target, DOMAINS)
    ]
    fail_on("Infrastructure imports a domain", violations)


def test_views_reach_other_packages_only_through_services():
    violations = []
    for name, module in all_modules().items():
        if not is_view(module):
            continue
        own_package = owner_for_views(name)
        for found in imports_of(name):
            package = owner_for_views(found.target)
            allowed = (
                package == own_package
                or own_package.startswith(f"{package}.")  # the domain a sub-package is part of
                or found.target in INFRASTRUCTURE
                or found.target in (package, f"{package}.services")
            )
            if not allowed:
                violations.append(
                    f"{found.path}:{found.line}: view imports {found.target}, "
                    f"internals of {package} (use {package}.services)"
                )
    fail_on("Views reach into other packages", violations)


def test_one_door_packages_are_reached_only_through_their_door():
    violations = []
    for name in all_modules():
        for found in imports_of(name):
            for package, door in ONE_DOOR.items():
                inside = is_within(name, (package,))
                if not inside and is_within(found.target, (package,)) and found.target != door:
                    violations.append(
                        f"{found.path}:{found.line}: imports {found.target} (use {door})"
                    )
    fail_on("Packages reached around their door", violations)


def package_edges() -> dict[tuple[str, str], Import]:
    """Map each package-to-package dependency to its first import, composition root left out."""
    edges: dict[tuple[str, str], Import] = {}
    for name in all_modules():
        if name in COMPOSITION_ROOT:
            continue
        for found in imports_of(name):
            if found.target in COMPOSITION_ROOT:
                continue
            edge = (directory_of(name), directory_of(found.target))
            if edge[0] != edge[1]:
                edges.setdefault(edge, found)
    return edges


def shortest_cycle(start: str, edges: set[tuple[str, str]]) -> list[str] | None:
    """Return the shortest path of packages from start back to itself, if there is one."""
    following = defaultdict(list)
    for source, target in sorted(edges):
        following[source].append(target)
    paths = {target: [start, target] for target in following[start]}
    queue = list(paths)
    while queue:
        node = queue.pop(0)
        if node == start:
            return paths[node]
        for target in following[node]:
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    return None


def test_no_two_packages_import_each_other():
    edges = package_edges()
    describe = "{0.path}:{0.line}: {1} imports {0.target}".format
    violations: list[str] = []
    cycles = 0
    mutual = sorted((a, b) for a, b in edges if a < b and (b, a) in edges)
    for a, b in mutual:
        cycles += 1
        violations.append(f"{a} <-> {b}:")
        violations.append(f"  {describe(edges[a, b], a)}")
        violations.append(f"  {describe(edges[b, a], b)}")
    # Longer cycles that remain once every mutual pair is gone.
    remaining = {edge for edge in edges if edge[::-1] not in edges}
    reported: set[str] = set()
    for start in sorted({source for source, _ in remaining}):
        cycle = shortest_cycle(start, remaining) if start not in reported else None
        if cycle:
            reported.update(cycle)
            cycles += 1
            violations.append(" -> ".join(cycle) + ":")
            violations += [
                f"  {describe(edges[source, target], source)}" for source, target in pairwise(cycle)
            ]
    fail_on("Package cycles", violations, count=cycles)


def queries_in(tree: ast.Module) -> list[tuple[int, str]]:
    """List the lines where a parsed module imports SQLAlchemy or runs a query itself."""
    flask_session = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "flask"
        and any(alias.name == "session" and alias.asname is None for alias in node.names)
        for node in ast.walk(tree)
    )
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [alias.name for alias in node.names]
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else names
            if any(is_within(module, ("sqlalchemy",)) for module in modules):
                found.append((node.lineno, "imports sqlalchemy"))
        elif isinstance(node, ast.Call):
            function = node.func
            called = function.attr if isinstance(function, ast.Attribute) else None
            if isinstance(function, ast.Name):
                called = function.id
            if called == "select":
                found.append((node.lineno, "builds a select()"))
            elif (
                isinstance(function, ast.Attribute)
                and called in QUERY_METHODS
                and is_database_session(function.value, flask_session)
            ):
                found.append((node.lineno, f"calls {ast.unparse(function)}()"))
    return sorted(found)


def is_database_session(node: ast.expr, flask_session_imported: bool) -> bool:
    """Tell whether an expression is `db.session`, or `session` when that is not Flask's."""
    if isinstance(node, ast.Name):
        return node.id == "session" and not flask_session_imported
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "session"
        and isinstance(node.value, ast.Name)
        and node.value.id == "db"
    )


def test_views_run_no_queries():
    violations = [
        f"{module.path}:{line}: view {what} (move the query into a service)"
        for module in all_modules().values()
        if is_view(module)
        for line, what in queries_in(module.tree)
    ]
    fail_on("Views run queries", violations)


def test_no_module_is_over_400_lines():
    violations = [
        f"{module.path}:{MAX_LINES + 1}: {module.line_count} lines, over {MAX_LINES}"
        for module in all_modules().values()
        if module.line_count > MAX_LINES
    ]
    fail_on("Modules over 400 lines", violations)

"""The domain packages of ``tender`` form floors: each imports only the floors below it, so no two domains
import each other (not even from inside a function), and no domain imports another domain's views.

A domain's views (and the forms, templates and routes with them) are the floor above every domain: a page may
call the operations of any domain it shows, but never another domain's views. They are therefore left out of
the graph; everything else in a package (models, operations, forms, permissions, commands, tasks) is in it,
with every import it makes, at module level or inside a function.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TENDER = Path(__file__).resolve().parent.parent / "tender"
NOT_DOMAINS = {"core", "migrations"}

#: the floors, from the ground up; a domain imports only domains on lower floors
FLOORS = [
    "web",  # not a domain: the request's transaction, shared form helpers, error pages, uploads
    "audit",  # the trail every domain writes to (its views, like every domain's, are the floor above)
    "auth",
    "tenders",
    "reports",
    "requirements",
    "evaluation_model",
    "prequalification",  # below bids (only the invited may bid) and vendors (the announcement page)
    "vendors",
    "bids",
    "questions",  # above bids: in a round of revised bids only the vendors still in it ask
    "documents",  # above bids: the documents a vendor downloads next to its bid
    "corrections",  # a correction is a new version of the documents and flags changed answers in draft bids
    "evaluation",
    "noark",  # above evaluation: a confirmed Noark result fills in the bid's check of its minimum requirement
    "negotiation",  # above evaluation: a reduction between rounds applies the announced award criteria
    "award",  # above negotiation: the recommendation is drawn from the final round's evaluation
    "municipalities",  # the register: a correction is refused while an award's cost split depends on it
    "lifecycle",
    "timeline",  # gathers the deadlines and events of every domain below it
    "protocol",  # the procurement protocol and the archive package read every domain below it
    "demo",  # builds the demo tender through every domain's operations
]


def _domains() -> list[str]:
    return sorted(
        p.name for p in TENDER.iterdir() if (p / "__init__.py").exists() and p.name not in NOT_DOMAINS
    )


def _is_views(path: Path) -> bool:
    return path.stem == "views" or path.stem.endswith("_views")


def _imported(path: Path) -> Iterator[str]:
    """Every module (or module.name) ``path`` imports, wherever the import statement stands."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names)


def _edges(domains: list[str], *, with_views: bool) -> dict[tuple[str, str], set[str]]:
    """(importer, imported) domain → the files and imports that make the edge."""
    edges: dict[tuple[str, str], set[str]] = {}
    for domain in domains:
        for path in sorted((TENDER / domain).rglob("*.py")):
            if _is_views(path) and not with_views:
                continue
            for name in _imported(path):
                parts = name.split(".")
                if parts[0] == "tender" and len(parts) > 1 and parts[1] in domains and parts[1] != domain:
                    edges.setdefault((domain, parts[1]), set()).add(f"{path.relative_to(TENDER)}: {name}")
    return edges


def _cycle(nodes: list[str], edges: set[tuple[str, str]]) -> list[str] | None:
    """One cycle of the directed graph, as the path that closes it, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for a, b in sorted(edges):
            if a != node:
                continue
            if state.get(b) == "open":
                return stack[stack.index(b) :] + [b]
            if b not in state and (found := visit(b)) is not None:
                return found
        stack.pop()
        state[node] = "done"
        return None

    for node in nodes:
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_every_domain_package_has_a_floor() -> None:
    assert sorted(FLOORS) == _domains()


def test_the_domain_packages_import_each_other_without_a_cycle() -> None:
    domains = _domains()
    edges = _edges(domains, with_views=False)
    found = _cycle(domains, set(edges))
    why = [sorted(edges[(a, b)])[0] for a, b in zip(found, found[1:], strict=False)] if found else []
    assert found is None, f"{' -> '.join(found or [])}: {why}"


def test_each_domain_imports_only_the_floors_below_it() -> None:
    upward = {
        f"{a} -> {b}": sorted(why)
        for (a, b), why in _edges(_domains(), with_views=False).items()
        if FLOORS.index(b) > FLOORS.index(a)
    }
    assert upward == {}


def test_no_module_imports_another_domains_views() -> None:
    domains = _domains()
    offenders = []
    for domain in domains:
        for path in sorted((TENDER / domain).rglob("*.py")):
            for name in _imported(path):
                parts = name.split(".")
                if (
                    parts[0] == "tender"
                    and len(parts) > 2
                    and parts[1] in domains
                    and parts[1] != domain
                    and (parts[2] == "views" or parts[2].endswith("_views"))
                ):
                    offenders.append(f"{path.relative_to(TENDER)}: {name}")
    assert offenders == []


def test_bids_never_import_the_evaluation_of_the_bids_not_even_in_their_views() -> None:
    offenders = [
        f"{path.relative_to(TENDER)}: {name}"
        for path in sorted((TENDER / "bids").rglob("*.py"))
        for name in _imported(path)
        if name == "tender.evaluation" or name.startswith("tender.evaluation.")
    ]
    assert offenders == []


def test_the_clock_is_imported_from_tender_clock_only() -> None:
    offenders = []
    for path in sorted(TENDER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module != "tender.clock"
                and any(a.name == "now" for a in node.names)
            ):
                offenders.append(f"{path.relative_to(TENDER)}: from {node.module} import now")
            elif (
                isinstance(node, ast.Attribute)
                and node.attr == "now"
                and isinstance(node.value, ast.Name)
                and node.value.id in {"bid_ops", "bids_ops", "ops", "operations"}
            ):
                offenders.append(f"{path.relative_to(TENDER)}:{node.lineno}: {node.value.id}.now")
    assert offenders == []


def test_the_graph_check_finds_a_cycle_hidden_inside_a_function(tmp_path: Path) -> None:
    # The checks above pass on the real tree; this shows they would fail on a cycle dodged the old way.
    edges = {("bids", "evaluation_model"), ("evaluation_model", "bids")}
    assert _cycle(["bids", "evaluation_model"], edges) == ["bids", "evaluation_model", "bids"]
    module = tmp_path / "operations.py"
    module.write_text(
        "def f():\n    from tender.evaluation.operations import price_items\n", encoding="utf-8"
    )
    assert "tender.evaluation.operations" in set(_imported(module))

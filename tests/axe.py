"""axe-core in the browser tests: inject the pinned copy and check a page against WCAG 2.0/2.1 A and AA.

The script is the ``axe.min.js`` (axe-core 4.12.1, MPL-2.0) that the PyPI package ``axe-playwright-python``
ships inside its wheel (pinned in pyproject.toml's ``test`` extra): nothing is fetched at run time. It is
injected through Playwright's ``evaluate`` (the DevTools protocol), which the page's Content-Security-Policy
does not govern, so the app's policy stays as strict as it is for people. Not a conftest: tests import it.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT

#: WCAG 2.1 AA, the level Norwegian public-sector sites must meet (forskrift om universell utforming av IKT)
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
#: the impacts a page may not have (axe's four are minor, moderate, serious, critical)
BLOCKING = frozenset({"serious", "critical"})


@dataclasses.dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    #: each failing element: its CSS selector, its HTML and axe's words on what is wrong
    nodes: tuple[tuple[str, str, str], ...]

    def describe(self) -> str:
        lines = [f"  {self.rule} ({self.impact}): {self.help}"]
        for target, html, summary in self.nodes:
            lines.append(f"    - {target}: {html[:200]}")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
        return "\n".join(lines)


def check(page: Any, tags: tuple[str, ...] = WCAG_TAGS) -> list[Violation]:
    """Run axe-core on the page as it stands and return its violations of ``tags``, every impact."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    results = page.evaluate(f"axe.run(document, {json.dumps(options)})")
    return [
        Violation(
            rule=v["id"],
            impact=v.get("impact") or "",
            help=v["help"],
            nodes=tuple(
                (" ".join(map(str, n["target"])), n.get("html", ""), n.get("failureSummary", ""))
                for n in v["nodes"]
            ),
        )
        for v in results["violations"]
    ]


def blocking(violations: list[Violation]) -> list[Violation]:
    """The serious and critical ones."""
    return [v for v in violations if v.impact in BLOCKING]


def report(found: dict[str, list[Violation]]) -> str:
    """Every page's violations with their nodes, for a failing assertion's message."""
    return "\n".join(
        f"{where}:\n" + "\n".join(v.describe() for v in violations) for where, violations in found.items()
    )

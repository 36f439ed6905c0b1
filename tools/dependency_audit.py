"""``make audit``: pip-audit over the installed dependencies, with a report that says what it could not check.

Runs ``pip-audit --local --skip-editable`` (every package installed in the virtual environment except the
editable project itself) against PyPI's vulnerability data and sorts the outcome into:

- a known vulnerability **with a fixed version**: listed with the versions that fix it; exit 1 (``make test``
  fails: upgrade the pin in pyproject.toml);
- a known vulnerability **without a fix**: listed as a warning; exit 0 (nothing to upgrade to; judge it and,
  once accepted, name it in ``tools/audit-ignore.txt`` with the reason);
- a package the service could not tell about (offline, or the service did not answer): listed as NOT
  AUDITED; exit 0, unless ``AUDIT_STRICT=1`` (then exit 1), so ``make test`` still runs without a network;
- an ignored vulnerability (``tools/audit-ignore.txt``: one ID a line, ``#`` starts the reason): counted.

See README, "Dependency audit".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

IGNORE_FILE = Path(__file__).with_name("audit-ignore.txt")
COMMAND = [
    sys.executable,
    "-m",
    "pip_audit",
    "--local",
    "--skip-editable",
    "--format",
    "json",
    "--progress-spinner",
    "off",
    "--desc",
    "off",
]


@dataclass
class Verdict:
    audited: int = 0
    fixable: list[str] = field(default_factory=list)
    unfixed: list[str] = field(default_factory=list)
    not_audited: list[str] = field(default_factory=list)
    #: why the first of them was not audited, as pip-audit says it
    not_audited_reason: str = ""
    ignored: list[str] = field(default_factory=list)
    #: the editable project itself, which is not a dependency
    editable: list[str] = field(default_factory=list)

    def exit_code(self, *, strict: bool) -> int:
        if self.fixable or (strict and self.not_audited):
            return 1
        return 0

    def report(self, *, strict: bool) -> str:
        lines = []
        total = self.audited + len(self.not_audited)
        lines.append(f"pip-audit: {self.audited} of {total} installed packages audited.")
        for title, items in (
            ("VULNERABLE, a fixed version exists (upgrade it)", self.fixable),
            ("vulnerable, no fixed version yet (judge it; accept in tools/audit-ignore.txt)", self.unfixed),
        ):
            if items:
                lines.append(f"{title}: {len(items)}")
                lines.extend(f"  {item}" for item in items)
        if self.not_audited:
            lines.append(f"NOT AUDITED (the vulnerability service could not tell): {len(self.not_audited)}")
            lines.append(f"  {', '.join(self.not_audited)}")
            lines.append(f"  first reason given: {self.not_audited_reason}")
        if self.ignored:
            lines.append(f"ignored as accepted (tools/audit-ignore.txt): {', '.join(self.ignored)}")
        if self.editable:
            lines.append(f"not audited, editable (the project itself): {', '.join(self.editable)}")
        if self.fixable:
            lines.append("Result: FAILED: known vulnerabilities with a fix.")
        elif self.not_audited and not self.audited:
            lines.append(
                "Result: NOT AUDITED: no package could be checked (offline, or the service did not answer)"
                + (" and AUDIT_STRICT=1." if strict else "; not failing (set AUDIT_STRICT=1 to fail).")
            )
        elif self.not_audited:
            lines.append(
                f"Result: {'FAILED' if strict else 'passed'}: no fixable vulnerability among those audited; "
                f"{len(self.not_audited)} not audited."
            )
        else:
            lines.append("Result: passed: no fixable known vulnerability.")
        return "\n".join(lines)


def read_ignored(path: Path = IGNORE_FILE) -> set[str]:
    if not path.exists():
        return set()
    ids = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        value = line.split("#", 1)[0].strip()
        if value:
            ids.add(value)
    return ids


def judge(document: dict[str, Any], ignored: set[str]) -> Verdict:
    """Sort pip-audit's JSON (``{"dependencies": [{"name", "version", "vulns": [...]} | {"name",
    "skip_reason"}]}``) into a verdict."""
    verdict = Verdict()
    for dep in document.get("dependencies", []):
        name = dep.get("name", "?")
        if "skip_reason" in dep:
            if "editable" in dep["skip_reason"]:
                verdict.editable.append(name)
                continue
            verdict.not_audited.append(f"{name} {dep.get('version', '')}".strip())
            verdict.not_audited_reason = verdict.not_audited_reason or dep["skip_reason"]
            continue
        verdict.audited += 1
        for vuln in dep.get("vulns", []):
            ids = [vuln.get("id", "?"), *vuln.get("aliases", [])]
            if ignored.intersection(ids):
                verdict.ignored.append(ids[0])
                continue
            where = f"{name} {dep.get('version', '?')}: {ids[0]}"
            if len(ids) > 1:
                where += f" ({', '.join(ids[1:])})"
            fixes = vuln.get("fix_versions") or []
            if fixes:
                verdict.fixable.append(f"{where}, fixed in {', '.join(fixes)}")
            else:
                verdict.unfixed.append(where)
    return verdict


def main() -> int:
    strict = os.environ.get("AUDIT_STRICT", "") == "1"
    ignored = read_ignored()
    command = COMMAND + [arg for vuln in sorted(ignored) for arg in ("--ignore-vuln", vuln)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    try:
        document = json.loads(done.stdout)
    except ValueError:
        # pip-audit stopped before it had a result: most often no network at all
        print("pip-audit could not run to a result:", file=sys.stderr)
        print(done.stderr.strip()[-2000:], file=sys.stderr)
        print(
            "Result: NOT AUDITED"
            + (" and AUDIT_STRICT=1." if strict else "; not failing (set AUDIT_STRICT=1 to fail)."),
        )
        return 1 if strict else 0
    verdict = judge(document, ignored)
    if ignored:
        print(f"accepted in tools/audit-ignore.txt and passed to pip-audit: {', '.join(sorted(ignored))}")
    print(verdict.report(strict=strict))
    return verdict.exit_code(strict=strict)


if __name__ == "__main__":
    sys.exit(main())

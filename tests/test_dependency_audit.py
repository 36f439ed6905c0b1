"""``make audit`` (tools/dependency_audit.py) reads pip-audit's JSON: a vulnerability with a fixed version
fails, one without a fix is reported and passes, what the service could not tell about is named as not
audited (failing only with AUDIT_STRICT=1), and the editable project itself is not a dependency.

The documents below have the shape pip-audit 2.x writes with ``--format json`` (the skip record is the one
it printed on this machine, where the vulnerability service answers nothing)."""

from __future__ import annotations

from pathlib import Path

from tools.dependency_audit import judge, read_ignored

FIXABLE = {
    "name": "jinja2",
    "version": "3.1.2",
    "vulns": [
        {
            "id": "GHSA-h5c8-rqwp-cp95",
            "fix_versions": ["3.1.3"],
            "aliases": ["CVE-2024-22195"],
            "description": "",
        }
    ],
}
UNFIXED = {
    "name": "somelib",
    "version": "1.0",
    "vulns": [{"id": "PYSEC-2099-1", "fix_versions": [], "aliases": [], "description": ""}],
}
CLEAN = {"name": "flask", "version": "3.1.3", "vulns": []}
SKIPPED = {
    "name": "lxml",
    "skip_reason": "Dependency not found on PyPI and could not be audited: lxml (6.2.0)",
}
EDITABLE = {"name": "tender", "skip_reason": "distribution marked as editable"}


def test_a_vulnerability_with_a_fixed_version_fails_and_names_the_fix() -> None:
    verdict = judge({"dependencies": [FIXABLE, CLEAN, EDITABLE], "fixes": []}, set())
    assert verdict.exit_code(strict=False) == 1
    report = verdict.report(strict=False)
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (CVE-2024-22195), fixed in 3.1.3" in report
    assert "FAILED" in report
    assert "2 of 2 installed packages audited" in report
    assert "editable (the project itself): tender" in report


def test_a_vulnerability_without_a_fix_is_reported_but_does_not_fail() -> None:
    verdict = judge({"dependencies": [UNFIXED, CLEAN], "fixes": []}, set())
    assert verdict.exit_code(strict=True) == 0
    report = verdict.report(strict=False)
    assert "no fixed version yet" in report and "somelib 1.0: PYSEC-2099-1" in report
    assert "Result: passed" in report


def test_what_the_service_could_not_tell_is_not_audited_and_fails_only_when_strict() -> None:
    verdict = judge({"dependencies": [SKIPPED, EDITABLE], "fixes": []}, set())
    assert verdict.audited == 0 and verdict.not_audited == ["lxml"]
    assert verdict.exit_code(strict=False) == 0
    assert verdict.exit_code(strict=True) == 1
    report = verdict.report(strict=False)
    assert "Result: NOT AUDITED" in report and "No known vulnerabilities" not in report
    assert "Dependency not found on PyPI" in report


def test_an_accepted_vulnerability_is_ignored_by_any_of_its_names(tmp_path: Path) -> None:
    accepted = tmp_path / "audit-ignore.txt"
    accepted.write_text(
        "# accepted\nCVE-2024-22195  # only our own templates are rendered\n\n", encoding="utf-8"
    )
    ignored = read_ignored(accepted)
    assert ignored == {"CVE-2024-22195"}
    verdict = judge({"dependencies": [FIXABLE], "fixes": []}, ignored)
    assert verdict.exit_code(strict=False) == 0 and verdict.ignored == ["GHSA-h5c8-rqwp-cp95"]

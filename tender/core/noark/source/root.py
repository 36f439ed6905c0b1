"""Where the extract starts in a container: the folder holding arkivuttrekk.xml (or a DIAS content folder)."""

from __future__ import annotations

from collections.abc import Iterable

from tender.core.noark.findings import Finding, Severity


def locate_root(paths: Iterable[str]) -> tuple[str, bool, list[Finding]]:
    """Find the extract root among container paths: (root folder, is DIAS, findings).

    The root is the shallowest folder holding ``arkivuttrekk.xml``; failing that, ``arkivstruktur.xml``;
    failing that, ``addml.xml`` (for a DIAS ``administrative_metadata/addml.xml`` the sibling
    ``content/`` or the package folder). Names are compared case-insensitively so that a wrongly
    cased ``Arkivuttrekk.xml`` is still found (the validator reports the case).
    """
    by_name: dict[str, list[str]] = {"arkivuttrekk.xml": [], "arkivstruktur.xml": [], "addml.xml": []}
    folders: set[str] = set()
    all_paths = list(paths)
    for p in all_paths:
        folder, _, name = p.rpartition("/")
        folders.add(folder)
        if name.lower() in by_name:
            by_name[name.lower()].append(folder)
    findings: list[Finding] = []
    root: str | None = None
    for descriptor in ("arkivuttrekk.xml", "arkivstruktur.xml"):
        candidates = sorted(set(by_name[descriptor]), key=lambda d: (_depth(d), d))
        if candidates:
            root = candidates[0]
            if len(candidates) > 1:
                findings.append(_several_roots_finding(descriptor, candidates))
            break
    if root is None and by_name["addml.xml"]:
        root = _root_from_addml(min(by_name["addml.xml"], key=lambda d: (_depth(d), d)), folders)
    if root is None:
        findings.append(
            Finding(
                "N5V-INPUT-10",
                Severity.ERROR,
                "Fant verken arkivuttrekk.xml, arkivstruktur.xml eller addml.xml; "
                "dette ser ikke ut som et Noark 5-arkivuttrekk.",
                "Found neither arkivuttrekk.xml, arkivstruktur.xml nor addml.xml; "
                "this does not look like a Noark 5 extract.",
            )
        )
        return "", False, findings
    is_dias = _is_dias(root, all_paths)
    outside = [p for p in all_paths if not (p.startswith(f"{root}/") if root else True)]
    if is_dias:
        findings.append(
            Finding(
                "N5V-INPUT-11",
                Severity.INFO,
                f"DIAS-pakke: uttrekket ligger i «{root}/»; {len(outside)} pakkefiler utenfor er ikke "
                "kontrollert.",
                f"DIAS package: the extract is in '{root}/'; {len(outside)} package files outside it are not "
                "checked.",
            )
        )
    elif outside:
        sample = ", ".join(sorted(outside)[:5])
        findings.append(
            Finding(
                "N5V-INPUT-11",
                Severity.WARNING,
                f"{len(outside)} filer ligger utenfor uttrekkets rotmappe «{root}/» og er ikke kontrollert: "
                f"{sample}",
                f"{len(outside)} files lie outside the extract root '{root}/' and are not checked: {sample}",
            )
        )
    return root, is_dias, findings


def _depth(folder: str) -> int:
    return folder.count("/") + 1 if folder else 0


def _root_from_addml(folder: str, folders: set[str]) -> str:
    parent, _, name = folder.rpartition("/")
    if name != "administrative_metadata":
        return folder
    content = f"{parent}/content" if parent else "content"
    has_content = any(f == content or f.startswith(f"{content}/") for f in folders)
    return content if has_content else parent


def _is_dias(root: str, paths: list[str]) -> bool:
    parent, _, name = root.rpartition("/")
    if name != "content":
        return False
    prefix = f"{parent}/" if parent else ""
    return any(
        p == f"{prefix}dias-mets.xml" or p.startswith(f"{prefix}administrative_metadata/") for p in paths
    )


def _several_roots_finding(descriptor: str, candidates: list[str]) -> Finding:
    shown = ", ".join(f"«{c or '.'}»" for c in candidates[:5])
    return Finding(
        "N5V-INPUT-10",
        Severity.WARNING,
        f"{descriptor} finnes i flere mapper ({shown}); kontrollerer bare den første.",
        f"{descriptor} is present in several folders ({shown}); only the first is checked.",
    )

"""Phase 7: the statistics of the report (N5V-STAT-..), from what the other phases counted."""

from __future__ import annotations

from ..content import FILE as ARKIVSTRUKTUR_XML
from ..content import ArkivstrukturHandler
from ..findings import Severity
from .context import Run


def summarise(run: Run) -> None:
    arkiv: ArkivstrukturHandler | None = run.handlers.get("arkivstruktur")
    if arkiv is None:
        return
    stats = arkiv.statistics()
    run.statistics["arkivstruktur"] = stats
    levels = stats["levels"]
    run.out.ran(
        "N5V-STAT-01",
        "N5V-STAT-02",
        "N5V-STAT-03",
        "N5V-STAT-04",
        "N5V-STAT-05",
        "N5V-STAT-06",
        "N5V-STAT-07",
    )
    main = ", ".join(
        f"{levels.get(k, 0)} {k}"
        for k in (
            "arkiv",
            "arkivdel",
            "klassifikasjonssystem",
            "klasse",
            "mappe",
            "registrering",
            "dokumentbeskrivelse",
            "dokumentobjekt",
        )
    )
    run.add(
        "N5V-STAT-01",
        Severity.INFO,
        f"arkivstruktur.xml har {main}.",
        f"arkivstruktur.xml has {main}.",
        ARKIVSTRUKTUR_XML,
    )
    for level in ("mappe", "registrering"):
        years = stats["per_year"].get(level) or {}
        if years:
            text = ", ".join(f"{y}: {n}" for y, n in years.items())
            run.add(
                "N5V-STAT-02",
                Severity.INFO,
                f"{level} per år (opprettetDato): {text}.",
                f"{level} per year (opprettetDato): {text}.",
                ARKIVSTRUKTUR_XML,
            )
    for name, values in stats["status"].items():
        text = ", ".join(f"{k}: {v}" for k, v in values.items())
        run.add("N5V-STAT-03", Severity.INFO, f"{name}: {text}.", f"{name}: {text}.", ARKIVSTRUKTUR_XML)
    formats = stats["declared_formats"]
    detected = run.statistics.get("documents", {}).get("detected_formats", {})
    run.add(
        "N5V-STAT-04",
        Severity.INFO,
        "Oppgitte formater: "
        + (", ".join(f"{k}: {v}" for k, v in formats.items()) or "ingen")
        + ". Gjenkjent fra filinnhold: "
        + (", ".join(f"{k}: {v}" for k, v in detected.items()) or "ingen")
        + ".",
        "Declared formats: "
        + (", ".join(f"{k}: {v}" for k, v in formats.items()) or "none")
        + ". Recognised from content: "
        + (", ".join(f"{k}: {v}" for k, v in detected.items()) or "none")
        + ".",
    )
    for name, n in stats["classification"].items():
        run.add("N5V-STAT-05", Severity.INFO, f"{name}: {n}.", f"{name}: {n}.", ARKIVSTRUKTUR_XML)
    for name, n in stats["units_without_content"].items():
        run.add("N5V-STAT-06", Severity.INFO, f"{name}: {n}.", f"{name}: {n}.", ARKIVSTRUKTUR_XML)
    if stats["first_registration"]:
        run.add(
            "N5V-STAT-07",
            Severity.INFO,
            f"Første registrering opprettet {stats['first_registration']}, siste "
            f"{stats['last_registration']}.",
            f"First registration created {stats['first_registration']}, last {stats['last_registration']}.",
            ARKIVSTRUKTUR_XML,
        )
    journals = run.statistics.get("journals") or {}
    change_log = run.statistics.get("change_log")
    if journals or change_log:
        run.out.ran("N5V-STAT-08")
        parts_no = [f"{k}: {v['journal_records']} journalposter" for k, v in journals.items()]
        parts_en = [f"{k}: {v['journal_records']} journal records" for k, v in journals.items()]
        if change_log:
            parts_no.append(f"endringslogg: {change_log['changes']} endringer")
            parts_en.append(f"change log: {change_log['changes']} changes")
        run.add("N5V-STAT-08", Severity.INFO, "; ".join(parts_no) + ".", "; ".join(parts_en) + ".")

"""Example specifications for tests, benchmarks and demo data (never used for a real tender)."""

from __future__ import annotations

import random
from decimal import Decimal

from tender.core.spec import AnswerForm, Chapter, Criterion, Kind, Requirement, Specification

_WORDS = tuple(
    """
    arkiv journalpost saksmappe dokument løsningen skal bør kunne registrere søke gjenfinne tilgangskode
    skjerming offentlig journal kommunen brukeren arkivdel klasse metadata eksport uttrekk format PDF/A
    e-post møte utvalg vedtak behandling godkjenning frist æøå Æøå særlig også følgende påkrevd lagring
    sletting kassasjon bevaring
    """.split()
)


def example_spec() -> Specification:
    """A small, valid specification that uses every kind, every answer form and Norwegian letters."""
    return Specification(
        title="Felles sak-/arkivsystem – kravspesifikasjon",
        criteria=(
            Criterion("arkiv", "Arkiv og journalføring"),
            Criterion("brukervennlighet", "Brukervennlighet og læring"),
        ),
        chapters=(
            Chapter(
                "K01", "1", "Arkivstruktur og metadata", "Krav til arkivstruktur, jf. Noark 5 kapittel 2."
            ),
            Chapter("K02", "2", "Saksbehandling og møter"),
            Chapter("K03", "3", "Drift og ytelse", "Ytelse målt på kommunens eget nett."),
        ),
        requirements=(
            Requirement(
                "R0001",
                "1.1",
                "K01",
                Kind.MINSTEKRAV,
                "Løsningen skal være godkjent etter Noark 5 v5.0 og kunne produsere arkivuttrekk.",
                AnswerForm.JA_NEI,
                source="Noark 5 v5.0 krav 2.1.1, O",
                documentation="Godkjenningsbrev fra Arkivverket.",
            ),
            Requirement(
                "R0002",
                "1.2",
                "K01",
                Kind.EVALUERINGSKRAV,
                "Løsningen bør støtte flere arkivdeler med ulike klassifikasjonssystemer, f.eks. «gårds- og "
                "bruksnummer» og «fødselsnummer».",
                AnswerForm.JA_NEI_DELVIS,
                criterion="arkiv",
                weight=Decimal(5),
            ),
            Requirement(
                "R0003",
                "2.1",
                "K02",
                Kind.EVALUERINGSKRAV,
                "Løsningen bør la saksbehandleren opprette møtebok og protokoll for utvalg direkte fra "
                "saksmappen.\n\nBeskriv arbeidsflyten trinn for trinn.",
                AnswerForm.FRITEKST,
                criterion="brukervennlighet",
                weight=Decimal("2.5"),
                municipalities=("4001", "4012"),
            ),
            Requirement(
                "R0004",
                "2.2",
                "K02",
                Kind.INFORMASJON,
                "Beskriv hvordan løsningen håndterer skjerming etter offentleglova § 13.",
                AnswerForm.FRITEKST,
            ),
            Requirement(
                "R0005",
                "3.1",
                "K03",
                Kind.MINSTEKRAV,
                "Oppgi svartiden for søk i offentlig journal med 1 million journalposter.",
                AnswerForm.TALL,
                unit="sekunder",
            ),
        ),
    )


def generated_spec(requirements: int, *, chapters: int = 20, seed: int = 1) -> Specification:
    """A valid specification of the given size with varied, deterministic Norwegian-looking text."""
    rng = random.Random(seed)
    criteria = (Criterion("arkiv", "Arkiv og journalføring"), Criterion("bruk", "Brukervennlighet"))
    chapter_list = tuple(
        Chapter(f"K{n:02d}", str(n), f"Kapittel {n}: {' '.join(rng.sample(_WORDS, 3))}")
        for n in range(1, chapters + 1)
    )
    reqs = []
    for n in range(1, requirements + 1):
        chapter_number = (n - 1) * chapters // requirements + 1
        kind = (Kind.MINSTEKRAV, Kind.EVALUERINGSKRAV, Kind.INFORMASJON)[n % 3]
        form = {
            Kind.MINSTEKRAV: AnswerForm.JA_NEI,
            Kind.EVALUERINGSKRAV: AnswerForm.JA_NEI_DELVIS,
            Kind.INFORMASJON: AnswerForm.FRITEKST,
        }[kind]
        scored = kind is Kind.EVALUERINGSKRAV
        reqs.append(
            Requirement(
                id=f"R{n:04d}",
                number=f"{chapter_number}.{n}",
                chapter=f"K{chapter_number:02d}",
                kind=kind,
                text=" ".join(rng.choice(_WORDS) for _ in range(rng.randint(15, 60))).capitalize() + ".",
                answer_form=form,
                criterion=rng.choice(criteria).id if scored else None,
                weight=Decimal(rng.randint(1, 10)) if scored else None,
                documentation="Produktark eller brukerveiledning." if n % 7 == 0 else "",
                source=f"Noark 5 v5.0 krav 2.{n % 9 + 1}.{n % 30 + 1}, O" if n % 4 == 0 else "",
            )
        )
    return Specification("Generert kravspesifikasjon", criteria, chapter_list, tuple(reqs))


__all__ = ["example_spec", "generated_spec"]

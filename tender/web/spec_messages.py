"""The specification core's problem codes worded in Norwegian bokmål, with the price schedule's and the
organisation number's: where those core errors become words a person reads.

The core (``tender.core.spec``, ``tender.core.catalogue``, ``tender.core.price_schedule``,
``tender.core.orgnr``) reports each problem as a stable ``code`` with the ``values`` it is about (ids,
numbers, names, cell texts) and, for a specification problem, where it was found (sheet, line, row).
Pages, flash messages, form errors, PDFs and the specification's command line word them here, with
numbers in the Norwegian format (``tender.formatting``). tests/test_spec_messages.py fails for a code the
core can raise without a wording here.

Some codes mean the same thing in several readers (``missing_id`` in the business rules, in an edited
workbook and in a vendor's answer form); their values tell the readers apart (``in_workbook``,
``answered``, ``in_catalogue``), and the wording follows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from tender.core.orgnr import InvalidOrganisationNumber
from tender.core.price_schedule import PriceProblem, PriceScheduleError
from tender.core.spec import AnswerForm, Kind, Problem, SpecError
from tender.core.spec.diff import SpecDiff
from tender.formatting import format_for_input, format_number

__all__ = [
    "ORGANISATION_NUMBER",
    "PRICE_SCHEDULE",
    "SPEC",
    "describe",
    "describe_all",
    "diff_summary",
    "message",
    "organisation_number",
    "price_problem",
    "price_problems",
    "spec_error",
    "where",
]

Wording = Callable[[Mapping[str, Any]], str]

#: a section of the specification as a noun, with its indefinite article and plural
_NOUN = {"criterion": "kriterium", "chapter": "kapittel", "requirement": "krav"}
_PLURAL = {"criterion": "kriterier", "chapter": "kapitler", "requirement": "krav"}
_FIELD_NOUN = {"kind": "kravtype", "answer_form": "svarform"}


def _count(value: int) -> str:
    """A limit or a count as Norwegians write it: 10 000."""
    return format_number(value)


def _typed(value: Any) -> str:
    """A number the lead typed, shown with every decimal it has (2,12345), not rounded."""
    try:
        return format_for_input(Decimal(value))
    except (ArithmeticError, TypeError, ValueError):
        return str(value)


def _quoted(items: Iterable[Any]) -> str:
    return ", ".join(f"«{i}»" for i in items)


def _and(items: Iterable[Any]) -> str:
    """ "a, b og c"."""
    words = [str(i) for i in items]
    return " og ".join(", ".join(words).rsplit(", ", 1)) if words else ""


def _entry(v: Mapping[str, Any]) -> str:
    """An entry of the TOML file: ``[[requirement]] «R0001»``, or ``[[requirement]] nr. 3`` without an id."""
    label = f" «{v['item_id']}»" if v.get("item_id") else f" nr. {v['position']}"
    return f"[[{v['table']}]]{label}"


def _suggestion(v: Mapping[str, Any]) -> str:
    return f" Mente du «{v['suggestion']}»?" if v.get("suggestion") else ""


def _toml_value(value: Any) -> str:
    return f"«{value}»" if isinstance(value, str) else repr(value)


def _kind(value: str) -> str:
    return Kind(value).label


def _answer_form(value: str) -> str:
    return AnswerForm(value).label


# -- codes whose wording depends on which reader found them


def _missing_title(v: Mapping[str, Any]) -> str:
    return f"Kapittel «{v['id']}» mangler tittel." if "id" in v else "Kravspesifikasjonen mangler tittel."


def _missing_id(v: Mapping[str, Any]) -> str:
    if v.get("answered"):
        return "Raden har svar, men ingen Krav-ID."
    noun = _NOUN[v["section"]]
    if v.get("in_workbook"):
        return (
            f"Raden mangler {noun}-ID. Nye {_PLURAL[v['section']]} legges inn i løsningen, ikke i regnearket."
        )
    return f"Et {noun} mangler id."


def _unknown_id(v: Mapping[str, Any]) -> str:
    if v.get("published"):
        return f"Krav-ID «{v['id']}» finnes ikke i den kunngjorte kravspesifikasjonen."
    return (
        f"{_NOUN[v['section']].capitalize()}-ID «{v['id']}» finnes ikke i gjeldende kravspesifikasjon. "
        "ID-er kan ikke endres eller legges til i regnearket."
    )


def _duplicate_id(v: Mapping[str, Any]) -> str:
    if "other_row" in v:
        return f"{v['id']} står også på rad {v['other_row']}."
    return (
        f"Id-en «{v['id']}» er brukt før (på {_NOUN[v['section']]} nr. {v['first']}); hver id skal være unik."
    )


def _duplicate_number(v: Mapping[str, Any]) -> str:
    if v.get("in_catalogue"):
        return (
            f"Krav nr. {v['number']} står også på rad {' og '.join(str(r) for r in v['other_rows'])}; "
            "radene er beholdt hver for seg."
        )
    return f"Nummeret «{v['number']}» er brukt før (av {v['first_id']})."


def _missing_number(v: Mapping[str, Any]) -> str:
    if v.get("in_catalogue"):
        return "Raden mangler Krav nr. og er hoppet over."
    if v.get("section") == "chapter":
        return f"Kapittel «{v['id']}» mangler nummer."
    return f"Krav «{v['id']}» mangler nummer."


def _unknown_chapter(v: Mapping[str, Any]) -> str:
    if "id" in v:
        return f"Krav «{v['id']}» viser til kapittelet «{v['chapter']}», som ikke finnes."
    if v.get("in_catalogue"):
        return f"Kapittelet «{v['chapter']}» finnes ikke i kravspesifikasjonen."
    return f"Kapittelet «{v['chapter']}» finnes ikke."


def _missing_criterion(v: Mapping[str, Any]) -> str:
    if v.get("in_catalogue"):
        return "Velg tildelingskriterium for evalueringskravene."
    return f"Evalueringskrav «{v['id']}» må knyttes til et tildelingskriterium."


def _unknown_criterion(v: Mapping[str, Any]) -> str:
    if "criteria_sheet" in v:
        return (
            f"Tildelingskriteriet «{v['criterion']}» for krav «{v['id']}» finnes ikke på arket "
            f"«{v['criteria_sheet']}»."
        )
    if v.get("in_catalogue"):
        return f"Tildelingskriteriet «{v['criterion']}» finnes ikke."
    return f"Krav «{v['id']}» viser til tildelingskriteriet «{v['criterion']}», som ikke finnes."


def _position_out_of_range(v: Mapping[str, Any]) -> str:
    if v["in"] == "chapter":
        return f"Plass {v['position']} finnes ikke i kapittelet (det har {v['places']} plasser)."
    return f"Plass {v['position']} finnes ikke (det er {v['places']} kapitler)."


def _unknown_value(code: str) -> Wording:
    noun = _FIELD_NOUN[code.removeprefix("unknown_")]

    def word(v: Mapping[str, Any]) -> str:
        if "table" in v:
            return (
                f"Ukjent {noun} «{v['value']}» i {_entry(v)}; gyldige verdier er {', '.join(v['valid'])}."
                f"{_suggestion(v)}"
            )
        return (
            f"Ukjent {noun} «{v['value']}» for krav «{v['id']}»; gyldige er {', '.join(v['valid_labels'])}."
        )

    return word


def _weight_not_a_number(v: Mapping[str, Any]) -> str:
    if "table" not in v:
        return f"Vekten til krav «{v['id']}» må være et tall, ikke «{v['value']}»."
    if v.get("infinite"):
        return f"Vekten til {_entry(v)} må være et endelig tall."
    hint = " (fjern anførselstegnene)" if v.get("quoted_number") else ""
    return f"Vekten til {_entry(v)} må være et tall, f.eks. weight = 5, ikke {_toml_value(v['value'])}{hint}."


def _unknown_key(v: Mapping[str, Any]) -> str:
    where = f"i {_entry(v)}" if "table" in v else "øverst i filen"
    return f"Ukjent felt «{v['key']}» {where}.{_suggestion(v)}"


def _missing_key(v: Mapping[str, Any]) -> str:
    if "table" in v:
        return f"Feltet «{v['key']}» mangler i {_entry(v)}."
    if "format" in v:
        return f"Feltet «format» mangler øverst i filen (skriv format = {v['format']})."
    return f"Feltet «{v['key']}» mangler øverst i filen."


def _wrong_type(v: Mapping[str, Any]) -> str:
    key = v["key"]
    if v["expected"] == "tables":
        return f"«{key}» skal skrives som tabeller: [[{key}]]."
    if v["expected"] == "list_of_text":
        return (
            f"«{key}» i {_entry(v)} skal være en liste med kommunenummer i anførselstegn, "
            'f.eks. ["4001", "4012"] (anførselstegn bevarer ledende null).'
        )
    if "table" in v:
        return f'Feltet «{key}» i {_entry(v)} skal være tekst i anførselstegn, f.eks. {key} = "{v["value"]}".'
    return f"Feltet «{key}» skal være tekst i anførselstegn."


#: what tomllib's syntax errors mean, by the kind the core found
_SYNTAX = {
    "duplicate_key": "en nøkkel er angitt to ganger i samme tabell",
    "duplicate_table": "en tabell er angitt to ganger",
    "unterminated_string": "en tekst (streng) er ikke avsluttet med anførselstegn",
    "illegal_character": 'ulovlig tegn; husk anførselstegn rundt tekst, og """ rundt tekst over flere linjer',
    "missing_equals": "mangler «=» etter en nøkkel",
    "invalid_value": "ugyldig verdi; tekst skal stå i anførselstegn og tall uten",
    "invalid_key": "ugyldig nøkkel",
    "trailing_content": "noe står etter verdien på samme linje",
}


def _toml_syntax(v: Mapping[str, Any]) -> str:
    column = f", kolonne {v['column']}" if v.get("column") is not None else " (ved slutten av filen)"
    detail = _SYNTAX.get(v.get("kind") or "", "ugyldig TOML")
    return f"Syntaksfeil i TOML{column}: {detail} ({v['parser_message']})."


def _file_too_large(v: Mapping[str, Any]) -> str:
    if "max_mb" in v:
        return f"Filen er større enn {_count(v['max_mb'])} MB og kan ikke leses inn."
    return "Filen er for stor til å være en kravspesifikasjon."


def _encrypted_workbook(v: Mapping[str, Any]) -> str:
    if v.get("password"):
        return (
            "Regnearket er passordbeskyttet (kryptert). Fjern passordet i Excel (Fil › Info › Beskytt "
            "arbeidsbok) og last opp på nytt."
        )
    return "Filen inneholder krypterte deler og kan ikke leses."


_OTHER_FORMAT = {
    "pdf": " men en PDF",
    "markup": " men en HTML- eller XML-fil",
    "text": "; det ser ut som en tekst- eller CSV-fil",
}
_OTHER_PACKAGE = {
    "word": " (det er et Word-dokument)",
    "powerpoint": " (det er en PowerPoint-presentasjon)",
    "ods": " (det er et OpenDocument-regneark, .ods; lagre det som .xlsx)",
    "odf": " (det er et OpenDocument-dokument)",
}


def _too_many_rows(v: Mapping[str, Any]) -> str:
    rows = _count(v["max_rows"])
    if v.get("in_catalogue"):
        return f"Filen har mer enn {rows} rader; Arkivverkets kravtabell har 384."
    if "sheet" in v:
        return f"Arket «{v['sheet']}» har mer enn {rows} rader med innhold; så store ark leses ikke inn."
    return f"Regnearket har mer enn {rows} rader; så store ark leses ikke inn."


def _unreadable_workbook(v: Mapping[str, Any]) -> str:
    if "sheet" in v:
        return f"Arket «{v['sheet']}» kan ikke leses; det kan være skadet."
    return "Regnearket kan ikke leses; det kan være skadet. Lagre det på nytt i Excel."


def _missing_sheet(v: Mapping[str, Any]) -> str:
    if v.get("form") == "answers":
        source = "Bruk svarskjemaet lastet ned fra løsningen"
    else:
        source = "Bruk et skjema eksportert fra løsningen"
    return f"Arket «{v['sheet']}» mangler. {source} (fant: {', '.join(v['found'])})."


def _missing_columns(v: Mapping[str, Any]) -> str:
    if v.get("in_catalogue"):
        noun = "Kolonnen" if len(v["headers"]) == 1 else "Kolonnene"
        found = _quoted(v["found"]) or "ingen"
        return f"{noun} {_and(f'«{h}»' for h in v['headers'])} mangler i overskriftsraden. Fant: {found}."
    return f"Kolonne(r) mangler: {_quoted(v['headers'])}."


def _mojibake(v: Mapping[str, Any]) -> str:
    if v.get("in_workbook"):
        return f"Æ, ø og å er feilkodet i regnearket (f.eks. «{v['sample']}»). Hent en ny kopi av originalen."
    return (
        f"Æ, ø og å er feilkodet i filen (f.eks. «{v['sample']}» i stedet for én bokstav); filen er blitt "
        "lagret med feil tegnkoding. Hent en ny kopi av originalfilen eller lagre den som UTF-8."
    )


def _hash_mismatch(v: Mapping[str, Any]) -> str:
    stopped = "PDF-en er ikke laget" if v.get("output") == "pdf" else "eksporten er stoppet"
    return f"Innholds-hashen stemmer ikke med kravspesifikasjonen; {stopped}."


#: every code of the specification core, the catalogue and the specification's exports, worded for the lead
SPEC: dict[str, Wording] = {
    # the business rules (tender.core.spec.rules) and the editing helpers (tender.core.spec.edit)
    "missing_title": _missing_title,
    "missing_id": _missing_id,
    "invalid_id": lambda v: (
        f"Ugyldig id «{v['id']}»: bruk bare bokstaver a–z, sifre, punktum, bindestrek og understrek "
        "(høyst 40 tegn)."
    ),
    "duplicate_id": _duplicate_id,
    "duplicate_number": _duplicate_number,
    "control_character": lambda v: (
        "Teksten inneholder et usynlig kontrolltegn som ikke kan lagres i Excel eller PDF; fjern det."
    ),
    "missing_name": lambda v: f"Kriteriet «{v['id']}» mangler navn.",
    "missing_number": _missing_number,
    "missing_text": lambda v: f"Krav «{v['id']}» mangler kravtekst.",
    "unknown_chapter": _unknown_chapter,
    "unknown_requirement": lambda v: f"Kravet «{v['id']}» finnes ikke.",
    "position_out_of_range": _position_out_of_range,
    "missing_unit": lambda v: f"Krav «{v['id']}» har svarform «Tall» og må ha en enhet (unit).",
    "unit_not_allowed": lambda v: (
        f"Krav «{v['id']}» har enhet, men enhet brukes bare med svarform «Tall» "
        f"(her «{_answer_form(v['answer_form'])}»)."
    ),
    "missing_criterion": _missing_criterion,
    "unknown_criterion": _unknown_criterion,
    "missing_weight": lambda v: f"Evalueringskrav «{v['id']}» må ha en vekt.",
    "criterion_not_allowed": lambda v: (
        f"Krav «{v['id']}» er «{_kind(v['kind'])}»; bare evalueringskrav har tildelingskriterium."
    ),
    "weight_not_allowed": lambda v: (
        f"Krav «{v['id']}» er «{_kind(v['kind'])}»; bare evalueringskrav har vekt."
    ),
    "weight_not_positive": lambda v: (
        f"Vekten til krav «{v['id']}» må være et positivt tall (er {_typed(v['weight'])})."
    ),
    "weight_too_large": lambda v: f"Vekten til krav «{v['id']}» er urimelig stor ({_typed(v['weight'])}).",
    "weight_too_precise": lambda v: (
        f"Vekten til krav «{v['id']}» har flere enn {v['max_decimals']} desimaler ({_typed(v['weight'])})."
    ),
    "invalid_municipality": lambda v: (
        f'Krav «{v["id"]}»: «{v["number"]}» er ikke et kommunenummer (fire sifre, f.eks. "4001").'
    ),
    "duplicate_municipality": lambda v: f"Krav «{v['id']}»: kommunenummer {v['number']} står to ganger.",
    # the TOML file (tender.core.spec.toml_format)
    "file_too_large": _file_too_large,
    "too_deeply_nested": lambda v: (
        f"Lister eller tabeller er nøstet mer enn {_count(v['max_nesting'])} nivåer dypt; formatet bruker "
        "bare ett nivå."
    ),
    "too_many_entries": lambda v: (
        f"Filen har mer enn {_count(v['max_entries'])} [[{v['table']}]]-oppføringer; så store filer leses "
        "ikke inn."
    ),
    "too_many_key_parts": lambda v: (
        "Linjen har en uvanlig lang nøkkel med punktum; formatet bruker bare enkle nøkler som «id»."
    ),
    "not_utf8": lambda v: (
        "Filen er ikke lagret som UTF-8 (æøå blir feil); lagre den som UTF-8 og prøv igjen."
    ),
    "toml_syntax": _toml_syntax,
    "unknown_key": _unknown_key,
    "missing_key": _missing_key,
    "unsupported_format": lambda v: (
        f"Filformat {v['version']!r} støttes ikke; denne versjonen leser format = {v['format']}."
    ),
    "wrong_type": _wrong_type,
    "unknown_kind": _unknown_value("unknown_kind"),
    "unknown_answer_form": _unknown_value("unknown_answer_form"),
    "weight_not_a_number": _weight_not_a_number,
    # an uploaded workbook (tender.core.spec.workbook)
    "empty_file": lambda v: "Filen er tom.",
    "encrypted_workbook": _encrypted_workbook,
    "legacy_xls": lambda v: "Filen er i det gamle .xls-formatet. Lagre den som Excel-arbeidsbok (.xlsx).",
    "not_a_zip": lambda v: (
        f"Filen er ikke et Excel-regneark (.xlsx){_OTHER_FORMAT.get(v.get('looks_like') or '', '')}."
    ),
    "corrupt_zip": lambda v: "Filen er skadet eller ufullstendig og kan ikke åpnes som et Excel-regneark.",
    "not_a_workbook": lambda v: (
        f"Filen er en ZIP-fil, men ikke et Excel-regneark{_OTHER_PACKAGE.get(v.get('looks_like') or '', '')}."
    ),
    "workbook_too_large": lambda v: (
        f"Regnearket pakker seg ut til mer enn {_count(v['max_mb'])} MB og blir ikke lest inn."
    ),
    "too_many_rows": _too_many_rows,
    "unreadable_workbook": _unreadable_workbook,
    # our answer-form workbook read back (form_read, workbook_read, answer_read)
    "formula": lambda v: f"Celle {v['cell']} inneholder en formel. Formler godtas ikke; skriv inn verdien.",
    "not_our_form": lambda v: (
        "Regnearket er ikke et kravskjema eksportert fra løsningen («Skjemaformat» skal være "
        f"{v['form_format']})."
    ),
    "missing_header": lambda v: f"Fant ikke overskriftsraden (med «{v['first_header']}»).",
    "unknown_column": lambda v: (
        f"Ukjent kolonne «{v['header']}» i kolonne {v['column']}. Fjern den, eller bruk et nytt skjema."
    ),
    "duplicate_column": lambda v: f"Kolonnen «{v['header']}» står to ganger.",
    "missing_columns": _missing_columns,
    "missing_sheet": _missing_sheet,
    "unknown_id": _unknown_id,
    "other_base_version": lambda v: (
        "Regnearket ble eksportert fra en annen versjon enn den gjeldende. Endringene nedenfor er regnet "
        "mot gjeldende versjon: krav som er lagt til etter eksporten vises som slettet, og endringer andre "
        "har gjort siden, vises som tilbakestilt. Godta bare endringene du selv har gjort."
    ),
    "other_version": lambda v: (
        "Svarskjemaet er laget for en annen versjon av kravspesifikasjonen enn den kunngjorte. Last ned "
        "skjemaet på nytt."
    ),
    "bad_answer": lambda v: f"{v['id']}: «Oppfylt» må være {' / '.join(v['choices'])}, ikke «{v['answer']}».",
    "bad_number": lambda v: f"{v['id']}: svaret må være et tall, ikke «{v['answer']}».",
    "too_long": lambda v: f"{v['id']}: dokumentasjonsreferansen kan ha høyst {_count(v['max_chars'])} tegn.",
    # Arkivverket's requirement catalogue (tender.core.catalogue)
    "wrong_codepage": lambda v: (
        f"Tegnkodingen ser ut til å være feil (f.eks. «{v['sample']}»): filen er verken UTF-8 eller "
        "Windows-1252. Lagre den som UTF-8 og last opp på nytt."
    ),
    "replacement_character": lambda v: (
        "Filen inneholder erstatningstegnet «\ufffd», så noen bokstaver har gått tapt før opplastingen. "
        "Hent en ny kopi av originalfilen."
    ),
    "mojibake": _mojibake,
    "unknown_encoding": lambda v: (
        f"Filen kan ikke leses som {v['encoding']}; tegnkodingen er ukjent. Lagre den som UTF-8 og last "
        "opp på nytt."
    ),
    "malformed_csv": lambda v: f"Filen kan ikke leses som tabell: {v['parser_message']}.",
    "number_stored_as_number": lambda v: (
        f"Krav nr. «{v['number']}» er lagret som tall i regnearket, så f.eks. 2.10 og 2.1 blir like. "
        "Formater kolonnen som tekst."
    ),
    "empty_catalogue": lambda v: "Filen har ingen rader.",
    "malformed_number": lambda v: f"Krav nr. «{v['number']}» har ikke formen 2.6.1.",
    "missing_group": lambda v: f"Krav nr. {v['number']} mangler kravgruppe.",
    "missing_description": lambda v: f"Krav nr. {v['number']} mangler beskrivelse.",
    "unknown_type": lambda v: (
        f"Krav nr. {v['number']} har ukjent Type «{v['value']}»; gyldige er {_and(v['valid'])}."
    ),
    "unknown_selection": lambda v: f"Krav nr. «{v['key']}» finnes ikke i katalogen.",
    "unmapped_group": lambda v: f"Velg kapittel for kravgruppen «{v['group']}» (krav nr. {v['number']}).",
    # the specification's Excel and PDF exports (tender.reports.spec_excel, tender.reports.spec_pdf)
    "hash_mismatch": _hash_mismatch,
    "text_too_long": lambda v: (
        f"Teksten i {', '.join(v['ids'])} er for lang for en Excel-celle "
        f"(høyst {_count(v['max_chars'])} tegn)."
    ),
}


def _price_item(v: Mapping[str, Any]) -> str:
    return str(v["item"]) + (f" ({v['municipality']})" if v.get("municipality") else "")


def _amount_missing(v: Mapping[str, Any]) -> str:
    if v.get("bid") is None:
        return f"Mangler beløp for «{_price_item(v)}»."
    return (
        f"Tilbud «{v['bid']}» har ikke priset «{_price_item(v)}», og prisskjemaet godtar ikke tomme linjer."
    )


def _amount_negative(v: Mapping[str, Any]) -> str:
    if v.get("bid") is None:
        return f"Beløpet for «{_price_item(v)}» kan ikke være negativt."
    return f"Beløpet for «{_price_item(v)}» i tilbud «{v['bid']}» kan ikke være negativt."


def _not_a_number(v: Mapping[str, Any]) -> str:
    if v["what"] == "rate":
        what = "Diskonteringsrenten"
    elif v["what"] == "amount":
        what = f"Beløpet for «{_price_item(v)}» i tilbud «{v['bid']}»"
    else:
        what = f"{'Mengden' if v['what'] == 'quantity' else 'Vekten'} for «{v['item']}»"
    return f"{what} er ikke et tall («{v['value']}»)."


#: every code of the price schedule (tender.core.price_schedule)
PRICE_SCHEDULE: dict[str, Wording] = {
    "period_malformed": lambda v: (
        f"Kontraktsperioden «{v['period']}» må skrives som år, f.eks. 4 eller 4+1+1."
    ),
    "amount_missing": _amount_missing,
    "amount_negative": _amount_negative,
    "no_items": lambda v: "Prisskjemaet har ingen poster.",
    "not_a_number": _not_a_number,
    "unknown_method": lambda v: (
        f"Prisskjemaet har en ukjent beregningsmåte «{v['method']}»; "
        "velg livssykluskostnad, kurv eller gjennomsnitt over linjene."
    ),
    "unknown_gap_rule": lambda v: (
        f"Prisskjemaet har en ukjent regel for linjer uten pris «{v['gaps']}»; "
        "velg høyeste tilbudte pris på linjen eller avvisning av tilbudet."
    ),
    "rate_without_life_cycle": lambda v: "En diskonteringsrente brukes bare med livssykluskostnad.",
    "rate_negative": lambda v: f"Diskonteringsrenten ({_typed(v['rate'])} %) kan ikke være negativ.",
    "rate_too_high": lambda v: f"Diskonteringsrenten ({_typed(v['rate'])} %) kan ikke være over 100 %.",
    "duplicate_municipality": lambda v: f"Kommune {v['municipality']} står to ganger i prisskjemaet.",
    "duplicate_line": lambda v: (
        f"Linjen «{v['item']}» har samme nummer («{v['line']}») som en annen linje i prisskjemaet."
    ),
    "quantity_negative": lambda v: (
        f"Mengden for «{v['item']}» kan ikke være negativ ({_typed(v['quantity'])})."
    ),
    "weight_negative": lambda v: f"Vekten for «{v['item']}» kan ikke være negativ ({_typed(v['weight'])}).",
    "weights_zero": lambda v: "Alle linjene har vekt 0, så gjennomsnittet kan ikke beregnes.",
    "yearly_without_life_cycle": lambda v: (
        f"«{v['item']}» er en årlig post, men årlige poster brukes bare med livssykluskostnad."
    ),
    "no_municipalities": lambda v: f"«{v['item']}» prises per kommune, men prisskjemaet har ingen kommuner.",
    "unknown_line": lambda v: (
        f"Tilbud «{v['bid']}» har en pris for linje «{v['line']}», som ikke finnes i prisskjemaet."
    ),
    "municipality_missing": lambda v: (
        f"Tilbud «{v['bid']}» har en pris for «{v['item']}» uten kommune, men linjen prises per kommune."
    ),
    "municipality_unknown": lambda v: (
        f"Tilbud «{v['bid']}» har en pris for «{v['item']}» for kommune {v['municipality']}, "
        "men linjen prises ikke for den kommunen."
    ),
    "line_unpriced": lambda v: f"Ingen tilbydere har priset linjen «{_price_item(v)}».",
}

#: every code of the organisation number check (tender.core.orgnr)
ORGANISATION_NUMBER: dict[str, Wording] = {
    "not_nine_digits": lambda v: "Organisasjonsnummeret må bestå av nøyaktig ni sifre.",
    "check_digit": lambda v: (
        "Organisasjonsnummeret har feil kontrollsiffer (MOD11). Sjekk at det er skrevet av riktig."
    ),
}


def message(problem: Problem) -> str:
    """The problem in Norwegian, without where it was found."""
    return SPEC[problem.code](problem.values)


def where(problem: Problem) -> str:
    """Where in a file the problem was found: "ark «Krav», rad 12", "linje 3"; "" when not in a file."""
    parts = []
    if problem.sheet is not None:
        parts.append(f"ark «{problem.sheet}»")
    if problem.line is not None:
        parts.append(f"linje {problem.line}")
    if problem.row is not None:
        parts.append(f"rad {problem.row}")
    return ", ".join(parts)


def describe(problem: Problem) -> str:
    """The problem in Norwegian, where it was found first: "ark «Krav», rad 12: Celle E12 inneholder …"."""
    place = where(problem)
    return f"{place}: {message(problem)}" if place else message(problem)


def describe_all(problems: Iterable[Problem]) -> list[str]:
    """Each problem described, in order."""
    return [describe(p) for p in problems]


def spec_error(error: SpecError) -> str:
    """A refused editing step (:class:`~tender.core.spec.SpecError`) in Norwegian."""
    return SPEC[error.code](error.values)


def price_problem(problem: PriceProblem) -> str:
    """One problem of a price schedule in Norwegian."""
    return PRICE_SCHEDULE[problem.code](problem.values)


def price_problems(error: PriceScheduleError) -> list[str]:
    """Every problem of a price schedule in Norwegian, in order."""
    return [price_problem(p) for p in error.problems]


def organisation_number(error: InvalidOrganisationNumber) -> str:
    """Why a typed organisation number is refused, in Norwegian."""
    return ORGANISATION_NUMBER[error.code](error.values)


#: a kind of change in a comparison of two versions, as (one, many)
_CHANGES = {
    "added": ("nytt krav", "nye krav"),
    "removed": ("slettet krav", "slettede krav"),
    "changed": ("endret krav", "endrede krav"),
    "moved": ("flyttet krav", "flyttede krav"),
    "chapters": ("kapittelendring", "kapittelendringer"),
    "criteria": ("kriterieendring", "kriterieendringer"),
    "title": ("ny tittel", "nye titler"),
}


def diff_summary(diff: SpecDiff) -> str:
    """A comparison of two versions in one line: "2 nye krav, 1 endret krav, 1 flyttet krav"."""
    parts = [
        f"{_count(n)} {_CHANGES[kind][0] if n == 1 else _CHANGES[kind][1]}" for kind, n in diff.counts() if n
    ]
    return ", ".join(parts) or "Ingen endringer"


def register_filters(filters: dict[str, Any]) -> None:
    """``{{ problem|spec_problem }}`` and ``{{ diff|diff_summary }}`` in templates."""
    filters["spec_problem"] = describe
    filters["diff_summary"] = diff_summary

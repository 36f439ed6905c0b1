"""The economic operator's identifiers: a Norwegian organisation number is recognised in every form it is
written ("974760673", "974 760 673", "NO974760673MVA", "NO 974 760 673 MVA"), an EU-style VAT number by its
country prefix, anything else is kept as written."""

from __future__ import annotations

import re

from tender.core import orgnr as orgnr_rules
from tender.core.espd.model import Identifier

#: country prefixes of VAT numbers (the EU's, "EL" for Greece, "XI" for Northern Ireland, and EEA/EFTA)
_VAT_PREFIXES = frozenset(
    (
        "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI GB CH NO IS LI"
    ).split()
)
_NORWEGIAN = re.compile(r"^(?:NO)?(\d{9})(?:MVA)?$")
_VAT = re.compile(r"^([A-Z]{2})[0-9A-Z+*]{2,13}$")
#: ISO 3166-1 alpha-3 → alpha-2 for the countries a Norwegian tender meets (ESPD-EDM 3.x/4.x write alpha-3)
_ALPHA3 = {
    "NOR": "NO", "SWE": "SE", "DNK": "DK", "FIN": "FI", "ISL": "IS", "DEU": "DE", "NLD": "NL", "BEL": "BE",
    "FRA": "FR", "GBR": "GB", "IRL": "IE", "ESP": "ES", "PRT": "PT", "ITA": "IT", "AUT": "AT", "CHE": "CH",
    "POL": "PL", "CZE": "CZ", "SVK": "SK", "SVN": "SI", "HRV": "HR", "HUN": "HU", "ROU": "RO", "BGR": "BG",
    "GRC": "GR", "CYP": "CY", "MLT": "MT", "LUX": "LU", "EST": "EE", "LVA": "LV", "LTU": "LT", "LIE": "LI",
    "USA": "US",
}  # fmt: skip


def _compact(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value).upper()


def identifier_from(
    value: str | None, scheme: str | None, *, vat_unless_said: bool = False
) -> Identifier | None:
    """The identifier ``value`` (as written) under ``scheme``, classified; None for an empty one.

    A scheme naming VAT ("VAT_Number", "VAT") makes it a VAT number and one naming a national number
    ("National_Number") makes it not one, whatever the number looks like ("RO12345678" is then a national
    number). ``vat_unless_said`` is for ESPD-EDM 1.x, where the economic operator's ``PartyIdentification`` is
    the VAT number unless its ``schemeID`` says otherwise (the EU ESPD service reads "B207781243" under the
    tax agency's name as the VAT number).
    """
    if not value:
        return None
    compact = _compact(value)
    said = (scheme or "").upper()
    says_vat = "VAT" in said or "MVA" in said
    says_national = "NATIONAL" in said and not says_vat
    norwegian = _NORWEGIAN.match(compact)
    if norwegian and orgnr_rules.is_valid(norwegian.group(1)):
        # the plain nine digits stay an organisation number: only the "NO…MVA" form is the VAT number
        vat_form = says_vat or (not says_national and (compact.startswith("NO") or compact.endswith("MVA")))
        return Identifier(
            value=value, scheme=scheme, kind="vat" if vat_form else "orgnr", orgnr=norwegian.group(1)
        )
    if says_vat or (vat_unless_said and not says_national):
        return Identifier(value=value, scheme=scheme, kind="vat")
    vat = _VAT.match(compact)
    if not says_national and vat and vat.group(1) in _VAT_PREFIXES and any(ch.isdigit() for ch in compact):
        return Identifier(value=value, scheme=scheme, kind="vat")
    return Identifier(value=value, scheme=scheme, kind="other")


def normalise_country(code: str | None) -> str | None:
    """ISO 3166-1 alpha-2 where the file writes alpha-3 for a country we know; else the code as written."""
    if not code:
        return None
    upper = code.strip().upper()
    return _ALPHA3.get(upper, upper)

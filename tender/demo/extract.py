"""A tiny valid Noark 5 (v5.0) extract for the demo's bids: one case with two registry entries, the two
journals, the change log, the ADDML description with checksums, and the schemas.

The schemas are those the validator generates from its own description of Noark 5
(:func:`tender.core.noark.schema.xsd_dir`), so the demo needs no file from outside the product. Each vendor's
extract differs (its system, its reference customer, its identifiers), so the four samples have different
SHA-256 sums, as real ones would.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from xml.sax.saxutils import escape

from tender.core.noark.schema import xsd_dir

NS = "http://www.arkivverket.no/standarder/noark5"
NS_ADDML = "http://www.arkivverket.no/standarder/addml"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMAS = (
    "arkivstruktur.xsd",
    "metadatakatalog.xsd",
    "endringslogg.xsd",
    "loependeJournal.xsd",
    "offentligJournal.xsd",
    "addml.xsd",
)


def _header(root: str) -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<{root} xmlns="{NS}/{root}" xmlns:xsi="{NS_XSI}" '
        f'xsi:schemaLocation="{NS}/{root} {root}.xsd">\n'
    )


def _journal(
    root: str,
    creator: tuple[str, str],
    case_title: str,
    posts: list[tuple[str, int, str, str, str]],
    public: bool,
) -> str:
    entries = []
    for system_id, number, title, day, party_type in posts:
        own_title = "" if public else f"   <tittel>{escape(case_title)}</tittel>\n"
        post_title = "" if public else f"   <tittel>{escape(title)}</tittel>\n"
        entries.append(
            " <journalregistrering>\n  <klasse>\n   <klasseID>100</klasseID>\n"
            "   <tittel>Saksbehandling</tittel>\n"
            "  </klasse>\n  <saksmappe>\n   <saksaar>2025</saksaar>\n"
            "   <sakssekvensnummer>1</sakssekvensnummer>\n"
            f"{own_title}   <offentligTittel>{escape(case_title)}</offentligTittel>\n  </saksmappe>\n"
            f"  <journalpost>\n   <systemID>{system_id}</systemID>\n   <journalaar>2025</journalaar>\n"
            f"   <journalsekvensnummer>{number}</journalsekvensnummer>\n"
            f"   <journalpostnummer>{number}</journalpostnummer>\n"
            f"{post_title}   <offentligTittel>{escape(title)}</offentligTittel>\n"
            f"   <journaldato>{day}</journaldato>\n   <korrespondansepart>\n"
            f"    <korrespondanseparttype>{party_type}</korrespondanseparttype>\n"
            "    <korrespondansepartNavn>Ola Nordmann</korrespondansepartNavn>\n   </korrespondansepart>\n"
            "  </journalpost>\n </journalregistrering>\n"
        )
    return (
        _header(root) + " <journalhode>\n  <journalStartDato>2025-01-01</journalStartDato>\n"
        "  <journalSluttDato>2025-12-31</journalSluttDato>\n"
        f"  <antallJournalposter>{len(posts)}</antallJournalposter>\n  <arkivskaper>\n"
        f"   <arkivskaperID>{creator[0]}</arkivskaperID>\n"
        f"   <arkivskaperNavn>{escape(creator[1])}</arkivskaperNavn>\n  </arkivskaper>\n </journalhode>\n"
        + "".join(entries)
        + f"</{root}>\n"
    )


def _prop(name: str, value: object | None = None, children: str = "", data_type: str | None = None) -> str:
    attrs = f' dataType="{data_type}"' if data_type else ""
    inner = f"<value>{escape(str(value))}</value>" if value is not None else ""
    kids = f"<properties>{children}</properties>" if children else ""
    return f'<property{attrs} name="{name}">{inner}{kids}</property>'


def _file(name: str, sha256: str | None) -> str:
    checksum = (
        _prop("checksum", children=_prop("algorithm", "SHA-256") + _prop("value", sha256)) if sha256 else ""
    )
    return _prop(
        "file", children=_prop("name", name) + _prop("format", "XML", _prop("version", "1.0")) + checksum
    )


def _data_object(name: str, sums: dict[str, str], counts: dict[str, int]) -> str:
    schema = _prop(
        "schema",
        "main",
        _file(f"{name}.xsd", sums[f"{name}.xsd"]) + _prop("type", "XML Schema", _prop("version", "1.0")),
    )
    catalogue = _prop(
        "schema",
        children=_file(
            "metadatakatalog.xsd", sums["metadatakatalog.xsd"] if name == "arkivstruktur" else None
        )
        + _prop("type", "XML Schema", _prop("version", "1.0")),
    )
    occurrences = "".join(
        _prop(
            "numberOfOccurrences",
            element,
            _prop("elementPath", f"//{element}") + _prop("value", n, data_type="integer"),
        )
        for element, n in counts.items()
    )
    return (
        f'<dataObject name="{name}"><properties>'
        f"{_file(f'{name}.xml', sums[f'{name}.xml'])}{schema}{catalogue}"
        f"{_prop('info', children=occurrences)}</properties></dataObject>"
    )


def _addml(system: str, creator: tuple[str, str], archive: str, sums: dict[str, str], posts: int) -> str:
    flags = "".join(
        _prop(flag, "false", data_type="boolean")
        for flag in (
            "inneholderSkjermetInformasjon",
            "omfatterDokumenterSomErKassert",
            "inneholderDokumenterSomSkalKasseres",
            "inneholderVirksomhetsspesifikkeMetadata",
        )
    )
    additional = (
        _prop("periode", children=_prop("inngaaendeSkille", "skarpt") + _prop("utgaaendeSkille", "skarpt"))
        + flags
        + _prop("antallDokumentfiler", 0, data_type="integer")
    )
    info = _prop(
        "info",
        children=_prop("type", "Noark 5", _prop("version", "5.0"))
        + _prop("additionalInfo", children=additional),
    )
    context = (
        '<additionalElement name="recordCreators"><additionalElements>'
        '<additionalElement name="recordCreator">'
        f"<value>{escape(creator[1])}</value></additionalElement></additionalElements></additionalElement>"
        '<additionalElement name="systemType"><value>Sakarkiv (Noark-5)</value></additionalElement>'
        f'<additionalElement name="systemName"><value>{escape(system)}</value></additionalElement>'
        f'<additionalElement name="archive"><value>{escape(archive)}</value></additionalElement>'
    )
    content = (
        '<additionalElement name="archivalPeriod"><properties>'
        + _prop("startDate", "2025-01-01")
        + _prop("endDate", "2025-12-31")
        + "</properties></additionalElement>"
    )
    objects = [
        _data_object("arkivstruktur", sums, {"mappe": 1, "registrering": posts}),
        _data_object("endringslogg", sums, {"endring": 1}),
        _data_object("loependeJournal", sums, {"journalregistrering": posts}),
        _data_object("offentligJournal", sums, {"journalregistrering": posts}),
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<addml xmlns="{NS_ADDML}" xmlns:xsi="{NS_XSI}" xsi:schemaLocation="{NS_ADDML} addml.xsd" '
        'name="Noark 5-arkivuttrekk">\n<dataset><description>Noark 5-arkivuttrekk</description>\n'
        f"<reference><context><additionalElements>{context}</additionalElements></context>\n"
        f"<content><additionalElements>{content}</additionalElements></content></reference>\n"
        f'<dataObjects><dataObject name="Noark 5-arkivuttrekk"><properties>{info}</properties>\n'
        f"<dataObjects>\n{chr(10).join(objects)}\n</dataObjects></dataObject></dataObjects></dataset></addml>\n"
    )


def demo_extract(*, system: str, creator: tuple[str, str], seed: str) -> bytes:
    """A zipped v5.0 extract of ``system`` for the archive creator ``creator`` (organisation number, name);
    ``seed`` makes its identifiers (the same seed gives the same bytes)."""
    ids = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"tender-demo:{seed}:{i}")) for i in range(6)]
    archive = f"Sakarkiv for {creator[1]}"
    case_title = "Innkjøp av nytt sak- og arkivsystem"
    posts = [
        (ids[4], 1, "Invitasjon til markedsdialog", "2025-03-03", "Mottaker"),
        (ids[5], 2, "Svar på invitasjon til markedsdialog", "2025-03-14", "Avsender"),
    ]
    registrations = "".join(
        f'     <registrering xsi:type="journalpost">\n      <systemID>{sid}</systemID>\n'
        f"      <opprettetDato>{day}T10:00:00</opprettetDato>\n"
        "      <opprettetAv>saksbehandler</opprettetAv>\n"
        f"      <arkivertDato>{day}T14:00:00</arkivertDato>\n      <arkivertAv>saksbehandler</arkivertAv>\n"
        f"      <registreringsID>2025/1-{n}</registreringsID>\n      <tittel>{escape(title)}</tittel>\n"
        "      <korrespondansepart>\n"
        f"       <korrespondanseparttype>{party}</korrespondanseparttype>\n"
        "       <korrespondansepartNavn>Ola Nordmann</korrespondansepartNavn>\n      </korrespondansepart>\n"
        f"      <journalaar>2025</journalaar>\n      <journalsekvensnummer>{n}</journalsekvensnummer>\n"
        f"      <journalpostnummer>{n}</journalpostnummer>\n"
        f"      <journalposttype>{'Utgående dokument' if party == 'Mottaker' else 'Inngående dokument'}"
        "</journalposttype>\n      <journalstatus>Arkivert</journalstatus>\n"
        f"      <journaldato>{day}</journaldato>\n     </registrering>\n"
        for sid, n, title, day, party in posts
    )
    who = "   <opprettetAv>arkivadministrator</opprettetAv>\n"
    files = {
        "arkivstruktur.xml": (
            _header("arkiv")
            .replace(f'{NS}/arkiv"', f'{NS}/arkivstruktur"')
            .replace(f"{NS}/arkiv arkiv.xsd", f"{NS}/arkivstruktur arkivstruktur.xsd")
            + f" <systemID>{ids[0]}</systemID>\n <tittel>{escape(archive)}</tittel>\n"
            " <arkivstatus>Avsluttet</arkivstatus>\n <opprettetDato>2025-01-01T08:00:00</opprettetDato>\n"
            " <opprettetAv>arkivadministrator</opprettetAv>\n"
            " <avsluttetDato>2026-01-01T08:00:00</avsluttetDato>\n"
            " <avsluttetAv>arkivadministrator</avsluttetAv>\n <arkivskaper>\n"
            f"  <arkivskaperID>{creator[0]}</arkivskaperID>\n"
            f"  <arkivskaperNavn>{escape(creator[1])}</arkivskaperNavn>\n"
            f" </arkivskaper>\n <arkivdel>\n  <systemID>{ids[1]}</systemID>\n"
            "  <tittel>Sakarkiv 2025</tittel>\n"
            "  <arkivdelstatus>Avsluttet periode</arkivdelstatus>\n"
            "  <dokumentmedium>Elektronisk arkiv</dokumentmedium>\n"
            "  <opprettetDato>2025-01-01T08:00:00</opprettetDato>\n"
            "  <opprettetAv>arkivadministrator</opprettetAv>\n"
            "  <avsluttetDato>2026-01-01T08:00:00</avsluttetDato>\n"
            "  <avsluttetAv>arkivadministrator</avsluttetAv>\n"
            "  <arkivperiodeStartDato>2025-01-01</arkivperiodeStartDato>\n"
            "  <arkivperiodeSluttDato>2025-12-31</arkivperiodeSluttDato>\n  <klassifikasjonssystem>\n"
            f"   <systemID>{ids[2]}</systemID>\n"
            "   <klassifikasjonstype>Funksjonsbasert, hierarkisk</klassifikasjonstype>\n"
            "   <tittel>Funksjonsbasert klassifikasjon</tittel>\n"
            "   <opprettetDato>2025-01-01T08:00:00</opprettetDato>\n"
            f"{who}   <klasse>\n    <systemID>{ids[3]}</systemID>\n    <klasseID>100</klasseID>\n"
            "    <tittel>Saksbehandling</tittel>\n    <opprettetDato>2025-01-01T08:00:00</opprettetDato>\n"
            '    <opprettetAv>arkivadministrator</opprettetAv>\n    <mappe xsi:type="saksmappe">\n'
            f"     <systemID>{uuid.uuid5(uuid.NAMESPACE_URL, f'tender-demo:{seed}:mappe')}</systemID>\n"
            f"     <mappeID>2025/1</mappeID>\n     <tittel>{escape(case_title)}</tittel>\n"
            "     <opprettetDato>2025-03-01T09:00:00</opprettetDato>\n"
            "     <opprettetAv>saksbehandler</opprettetAv>\n"
            "     <avsluttetDato>2025-03-20T15:00:00</avsluttetDato>\n"
            "     <avsluttetAv>saksbehandler</avsluttetAv>\n"
            f"{registrations}     <saksaar>2025</saksaar>\n     <sakssekvensnummer>1</sakssekvensnummer>\n"
            "     <saksdato>2025-03-01</saksdato>\n"
            "     <administrativEnhet>Innkjøpsavdelingen</administrativEnhet>\n"
            "     <saksansvarlig>Kari Nordmann</saksansvarlig>\n     <saksstatus>Avsluttet</saksstatus>\n"
            "    </mappe>\n   </klasse>\n  </klassifikasjonssystem>\n </arkivdel>\n</arkiv>\n"
        ),
        "endringslogg.xml": (
            _header("endringslogg") + f" <endring>\n  <referanseArkivenhet>{ids[4]}</referanseArkivenhet>\n"
            "  <referanseMetadata>tittel</referanseMetadata>\n"
            "  <endretDato>2025-03-05T12:00:00</endretDato>\n"
            "  <endretAv>saksbehandler</endretAv>\n  <tidligereVerdi>Invitasjon</tidligereVerdi>\n"
            "  <nyVerdi>Invitasjon til markedsdialog</nyVerdi>\n </endring>\n</endringslogg>\n"
        ),
        "loependeJournal.xml": _journal("loependeJournal", creator, case_title, posts, public=False),
        "offentligJournal.xml": _journal("offentligJournal", creator, case_title, posts, public=True),
    }
    data = {name: text.encode("utf-8") for name, text in files.items()}
    schemas = xsd_dir("5.0")
    for name in SCHEMAS:
        data[name] = (schemas / name).read_bytes()
    sums = {name: hashlib.sha256(content).hexdigest() for name, content in data.items()}
    data["arkivuttrekk.xml"] = _addml(system, creator, archive, sums, len(posts)).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(data):
            # a fixed date, so that the same seed gives the same bytes
            zf.writestr(
                zipfile.ZipInfo(name, date_time=(2025, 12, 1, 12, 0, 0)),
                data[name],
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()

"""Norwegian texts made outside the templates that vendors read, marked for the English catalogue.

Enum labels (the procedure, the stage, a bid's status, ...), flashed messages and domain errors are made in
Norwegian by the models and operations, which also write them into documents and the audit trail, where they
stay Norwegian. On a vendor's page in English (``tender.i18n``) the ``tr`` filter looks each one up in the
catalogue when it is shown. ``N_`` only marks a text for ``pybabel extract``; a text listed here must be
word for word the one the code makes (``tests/test_i18n.py`` checks that each still occurs in the code).
Texts that carry values (a number of seconds, a name) are translated where they are made, or not yet: see
docs/i18n.md.
"""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 (gettext's conventional name for a marker)
    """Mark ``text`` for extraction; it is translated where it is shown."""
    return text


#: label texts of enums shown on vendor pages
LABELS = (
    # tender.tenders.models.Procedure
    N_("Åpen anbudskonkurranse"),
    N_("Begrenset anbudskonkurranse"),
    N_("Konkurranse med forhandling"),
    # tender.tenders.models.Role (a vendor sees only its own)
    N_("Leverandørbruker"),
    # tender.core.lifecycle.Stage
    N_("Kravspesifikasjon"),
    N_("Godkjenning i kommunene"),
    N_("Prekvalifisering: oppsett"),
    N_("Forespørsler om å delta"),
    N_("Fristen for forespørsler er passert"),
    N_("Forespørslene er åpnet"),
    N_("Kvalifisering og utvelgelsespoeng"),
    N_("Utvelgelse"),
    N_("Kunngjort"),
    N_("Tilbudsfase"),
    N_("Tilbudsfristen er passert"),
    N_("Tilbudene er åpnet"),
    N_("Evaluering"),
    N_("Konsensus"),
    N_("Tildeling"),
    N_("Karensperiode"),
    N_("Kontrakt"),
    # tender.bids.models.BidStatus and BidRoundKind
    N_("Utkast"),
    N_("Levert"),
    N_("Inngående tilbud"),
    N_("Reviderte tilbud"),
    N_("Endelige tilbud (BAFO)"),
    # tender.vendors.models.CameInVia
    N_("Registrerte seg fra kunngjøringssiden og bekreftet e-postadressen (første bruker)"),
    N_("Registrerte seg og ble godkjent av leverandørens administrator"),
    N_("Lagt til av systemets driftsansvarlige på kommandolinjen"),
    # tender.documents.models.KIND_LABELS
    N_("Konkurransebestemmelser (invitasjon)"),
    N_("Kravspesifikasjon (PDF)"),
    N_("Svarskjema (Excel)"),
    N_("Kontraktsbilag"),
    N_("Prisskjema"),
    N_("Kvalifikasjonskrav"),
    N_("Tildelingskriterier og prismodell"),
    # tender.noark.models: a sample's status and verdict
    N_("I kø"),
    N_("Kontrolleres"),
    N_("Ferdig"),
    N_("Feilet"),
    N_("Gyldig"),
    N_("Ugyldig"),
    N_("Kan ikke leses"),
    # tender.noark.report_view: an Arkade test's result and how much of it we run
    N_("Bestått"),
    N_("Ikke kjørt"),
    N_("full"),
    N_("delvis"),
    N_("kjøres ikke"),
    # tender.prequalification.models.RequestStatus uses "Utkast" and "Levert" (above)
    # tender.prequalification.models: the selection's outcome for a request
    N_("Invitert til å gi tilbud"),
    N_("Ikke valgt ut"),
    N_("Avvist"),
    # tender.web.espd_messages.STATUS_NAMES: an ESPD answer lined up against a requirement
    N_("Besvart"),
    N_("Mangler"),
    N_("Ikke i ESPD"),
    # tender.evaluation_model.models.PriceItemKind
    N_("Engangskostnad"),
    N_("Årlig kostnad"),
    # tender.core.spec.model.Kind and the answer choices of AnswerForm
    N_("Minstekrav"),
    N_("Evalueringskrav"),
    N_("Informasjon"),
    N_("Ja"),
    N_("Nei"),
    N_("Delvis"),
)

#: flashed messages and domain errors a vendor meets
MESSAGES = (
    # tender.auth.views
    N_("Logg inn for å se denne siden."),
    N_("Du er logget ut."),
    N_("Passordet er endret."),
    # tender.auth.operations
    N_("Feil e-postadresse eller passord."),
    N_("Det nåværende passordet er feil."),
    N_("Passordet må ha minst 10 tegn."),
    N_("Språket finnes ikke. Velg norsk eller engelsk."),
    # tender.vendors.operations
    N_(
        "Registrering av leverandører krever at systemet har en e-postserver, og det er ikke satt opp "
        "her. Ta kontakt med systemets driftsansvarlige, som kan legge deg inn fra kommandolinjen."
    ),
    N_("Skriv inn firmanavnet (organisasjonsnummeret er ikke registrert hos oss fra før)."),
    N_("Skriv inn navnet ditt."),
    N_("Lenken er ugyldig. Registrer deg på nytt fra kunngjøringssiden."),
    N_("Lenken er allerede brukt. Logg inn med e-postadressen og passordet ditt."),
    N_("Lenken er utløpt. Registrer deg på nytt fra kunngjøringssiden."),
    # tender.vendors.operations
    N_("Bare leverandørens administrator kan godkjenne eller avslå nye brukere."),
    N_("Forespørselen finnes ikke lenger, eller er allerede behandlet."),
    # tender.prequalification.request_operations: what a request still lacks (those naming a requirement
    # are not translated yet)
    N_("ESPD-svar mangler: les inn en ESPD-fil eller fyll ut ESPD-skjemaet."),
    # tender.questions.operations.vendor_status_of
    N_("Mottatt; innkjøpsgruppen arbeider med svaret"),
)

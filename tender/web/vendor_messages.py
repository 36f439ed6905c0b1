"""Norwegian texts made outside the templates that vendors read, marked for the English catalogue.

Enum labels (the procedure, the stage, a bid's status, ...), flashed messages and domain errors are made in
Norwegian by the models and operations, which also write them into documents and the audit trail, where they
stay Norwegian. On a vendor's page in English (``tender.i18n``) the ``tr`` filter looks each one up in the
catalogue when it is shown. ``N_`` only marks a text for ``pybabel extract``; a text listed here must be
word for word the one the code makes (``tests/test_i18n.py`` checks that each still occurs in the code).
Texts that carry values (a number of seconds, a requirement's number, a moment) are listed in
:data:`PATTERNS` as their wording with ``%(name)s`` placeholders; the ``tr`` filter finds the wording a
text was made with, takes the values out of it and fills them into the English wording
(``tender.i18n.translated``), so the operations keep making one Norwegian text for the page, the
documents and the audit trail alike.
``tests/test_i18n.py`` checks that each wording is still made by the code.
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
    # tender.prequalification.models.QualificationCategory (the announcement page's groups of requirements)
    N_("Registrering og juridisk stilling"),
    N_("Skatt og merverdiavgift"),
    N_("Økonomisk og finansiell kapasitet"),
    N_("Tekniske og faglige kvalifikasjoner"),
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
    # the deadlines' refusals (tender.tenders.opening.too_late) where a vendor meets them
    N_("Tilbudsfristen er ute. Tilbudet kan ikke endres eller leveres."),
    N_("Fristen for forespørsel om å delta er ute. Forespørselen kan ikke endres eller leveres."),
    N_("Fristen for å svare på avklaringen er ute. Svaret kan ikke leveres."),
    # tender.prequalification.assess_operations.answer_clarification and assess_views
    N_("Avklaringen finnes ikke."),
    N_("Avklaringen er allerede besvart."),
    N_("Skriv en svar."),
    N_("Svaret er sendt."),
    # tender.bids.operations
    N_("Kravspesifikasjonen er ikke kunngjort ennå."),
    N_("Tilbudsfristen er ikke satt ennå; tilbud kan ikke leveres."),
    N_("Tilbudet er levert og kan ikke endres."),
    N_("Tilbudet er endret av en annen bruker siden du åpnet det. Last siden på nytt."),
    N_("Prisskjemaet har ikke en slik linje."),
    N_("Tilbudet er allerede levert."),
    N_("Prisskjemaet har ingen priser: gi en pris på minst én post."),
    N_("Velg én eller to personer."),
    # tender.prequalification.request_operations
    N_("Fristen for forespørsel om å delta er ikke satt ennå."),
    N_("Forespørselen er levert og kan ikke endres."),
    N_("Landkoden må være to bokstaver (ISO 3166), f.eks. NO."),
    N_("Velg et av kvalifikasjonskravene i listen."),
    N_("Skriv hvem kunden er."),
    # tender.questions.operations
    N_("Det er ikke satt noen frist for spørsmål, så spørsmål kan ikke stilles her."),
    N_("Skriv spørsmålet."),
    # tender.noark.operations and views
    N_("Tilbudet er levert, og prøveuttrekket som ble levert med det kan ikke byttes."),
    N_("Filen er tom (0 byte)."),
    N_("Prøveuttrekket er lastet opp og står i kø for kontroll."),
    # tender.web.uploads
    N_("Filen er tom."),
    # tender.corrections: a published correction as a vendor reads it (its changes, the bid deadline's fate)
    N_("Nytt krav"),
    N_("Slettet krav"),
    N_("Endret krav"),
    N_("Nytt dokument"),
    N_("Fjernet dokument"),
    N_("Erstattet dokument"),
    N_("Nytt navn"),
    N_("Det var nok tid igjen til tilbudsfristen; den ble ikke vurdert forlenget."),
    N_("Ingen krav er lagt til, endret eller slettet (bare rekkefølge eller kapitler)."),
    # tender.reports.noark_context: where the extract states a count
    N_("hele uttrekket"),
    # tender.core.spec.diff.FIELD_LABELS: a changed requirement's fields
    N_("Tittel"),
    N_("Navn"),
    N_("Nummer"),
    N_("Beskrivelse"),
    N_("Kravtype"),
    N_("Kravtekst"),
    N_("Svarform"),
    N_("Enhet"),
    N_("Tildelingskriterium"),
    N_("Vekt"),
    N_("Dokumentasjon"),
    N_("Kilde"),
    N_("Gjelder kommuner"),
    # tender.web.spec_messages.ORGANISATION_NUMBER: registering with a mistyped organisation number
    N_("Organisasjonsnummeret må bestå av nøyaktig ni sifre."),
    N_("Organisasjonsnummeret har feil kontrollsiffer (MOD11). Sjekk at det er skrevet av riktig."),
    # tender.web.espd_messages.NORWEGIAN: an ESPD file the reader refuses (those with values: PATTERNS)
    N_(
        "Filen har en dokumenttypedeklarasjon (DOCTYPE/ENTITY). Det bruker ikke ESPD-svar, og av "
        "sikkerhetshensyn leser vi ikke slike filer."
    ),
    N_("Filen er ikke gyldig XML."),
    N_(
        "Filen sier ikke hvilken versjon av ESPD-datamodellen den følger. Vi leser ESPD-svar i versjon 1 "
        "og versjon 2, 3 og 4 (ESPD-EDM)."
    ),
    # tender.bids.views.upload_answers and tender.web.spec_messages: a filled-in answer form refused
    N_("Svarskjemaet ble ikke lest inn; ingenting er endret:"),
    N_("Raden har svar, men ingen Krav-ID."),
    N_(
        "Svarskjemaet er laget for en annen versjon av kravspesifikasjonen enn den kunngjorte. Last ned "
        "skjemaet på nytt."
    ),
    N_(
        "Regnearket er passordbeskyttet (kryptert). Fjern passordet i Excel (Fil › Info › Beskytt "
        "arbeidsbok) og last opp på nytt."
    ),
    N_("Filen inneholder krypterte deler og kan ikke leses."),
    N_("Filen er i det gamle .xls-formatet. Lagre den som Excel-arbeidsbok (.xlsx)."),
    N_("Filen er ikke et Excel-regneark (.xlsx) men en PDF."),
    N_("Filen er skadet eller ufullstendig og kan ikke åpnes som et Excel-regneark."),
    N_("Regnearket kan ikke leses; det kan være skadet. Lagre det på nytt i Excel."),
    # tender.core.lifecycle: the vendor's own next step on the tender's overview
    N_("Send forespørselen om å delta før fristen."),
    N_("Lever tilbudet før tilbudsfristen."),
    # tender.i18n.AT_LINE: a file reader's refusal with the line where it knows it (filled in by tender.i18n)
    N_("%(text)s (linje %(line)s)."),
)

#: texts with values a vendor meets, as their wording with placeholders (see the module's docstring)
PATTERNS = (
    # tender.auth.operations
    N_("For mange mislykkede forsøk. Vent %(seconds)s sekunder og prøv igjen."),
    N_("For mange mislykkede innlogginger. Vent %(seconds)s sekunder og prøv igjen."),
    # tender.bids.operations: a bid's answers, prices and delivery
    N_("%(vendor)s har allerede et tilbud i denne runden."),
    N_("%(vendor)s er ikke med i konkurransen."),
    N_("%(number)s: dokumentasjonsreferansen kan ha høyst 300 tegn."),
    N_("%(number)s: svaret kan ha høyst 200 tegn; skriv resten i beskrivelsen."),
    N_("%(number)s: svaret må være %(choices)s, ikke «%(value)s»."),
    N_("%(number)s: svaret må være et tall, ikke «%(value)s»."),
    N_("Kravet %(key)s finnes ikke i den kunngjorte kravspesifikasjonen."),
    N_("%(key)s: beskriv forbeholdet."),
    N_("«%(item)s»: beløpet kan ikke være negativt."),
    N_("«%(item)s»: beløpet er for stort."),
    N_("«%(item)s»: beløpet kan ha høyst to desimaler (øre)."),
    N_("%(count)s krav er ikke besvart: %(numbers)s."),
    N_("Prisskjemaet mangler beløp for «%(item)s»."),
    # tender.prequalification.request_operations: what a request still lacks
    N_("Konkurransen spør ikke om ESPD-kriteriet %(code)s."),
    N_("Avvisningsgrunn %(number)s er ikke besvart i ESPD-svarene: %(text)s"),
    N_("Kvalifikasjonskrav %(number)s er ikke besvart i ESPD-svarene: %(text)s"),
    N_("Dokumentasjon mangler for kvalifikasjonskrav %(number)s: %(text)s"),
    # tender.questions.operations: asking, and a question's status for the vendor who asked
    N_("%(vendor)s kan ikke stille spørsmål i denne konkurransen."),
    N_("Teksten er for lang: høyst %(most)s tegn, og denne har %(count)s."),
    N_("Fristen for spørsmål var %(deadline)s. Spørsmålet er ikke tatt imot."),
    N_("Besvart: publisert som nr. %(number)s %(at)s"),
    # tender.web.spec_messages: a filled-in answer form refused, where (a sheet, a row) and why
    N_("ark «%(sheet)s», rad %(row)s: %(problem)s"),
    N_("ark «%(sheet)s»: %(problem)s"),
    N_("Krav-ID «%(id)s» finnes ikke i den kunngjorte kravspesifikasjonen."),
    N_("%(id)s: «Oppfylt» må være %(choices)s, ikke «%(answer)s»."),
    N_("%(id)s: dokumentasjonsreferansen kan ha høyst %(most)s tegn."),
    N_("Filen er større enn %(megabytes)s MB og kan ikke leses inn."),
    N_("Regnearket pakker seg ut til mer enn %(megabytes)s MB og blir ikke lest inn."),
    N_("Arket «%(sheet)s» mangler. Bruk svarskjemaet lastet ned fra løsningen (fant: %(found)s)."),
    N_("Arket «%(sheet)s» har mer enn %(rows)s rader med innhold; så store ark leses ikke inn."),
    N_("Regnearket har mer enn %(rows)s rader; så store ark leses ikke inn."),
    N_("Arket «%(sheet)s» kan ikke leses; det kan være skadet."),
    N_("Kolonne(r) mangler: %(columns)s."),
    N_("Celle %(cell)s inneholder en formel. Formler godtas ikke; skriv inn verdien."),
    N_("Æ, ø og å er feilkodet i regnearket (f.eks. «%(sample)s»). Hent en ny kopi av originalen."),
    # tender.web.espd_messages.message: an ESPD file the reader refuses
    N_("Filen er ikke gyldig XML (linje %(line)s)."),
    N_("Filen er for stor (%(size)s). Et ESPD-svar kan være på høyst %(limit)s."),
    N_(
        "Filen har elementer nøstet i mer enn %(limit)s nivåer. Så dypt går ikke et ESPD-svar, og vi leser "
        "den ikke."
    ),
    N_("Filen har mer enn %(limit)s elementer. Så mange har ikke et ESPD-svar, og vi leser den ikke."),
    N_(
        "Filen er en ESPD-forespørsel («%(root)s») fra oppdragsgiveren, ikke et ESPD-svar. Last opp svaret "
        "dere har fylt ut."
    ),
    N_(
        "Filen er XML, men ikke et ESPD-svar: rotelementet er «%(root)s», ikke "
        "«QualificationApplicationResponse» eller «ESPDResponse»."
    ),
    N_(
        "Filen er et ESPD-svar i versjon %(version)s av datamodellen, som vi ikke kan lese. "
        "Vi leser versjon 1 og versjon 2, 3 og 4 (ESPD-EDM). Lag svaret på nytt i en av disse versjonene."
    ),
    N_("Filen er et ESPD-svar for en annen anskaffelse (%(found)s), ikke for denne (%(expected)s)."),
    N_("ESPD-svaret oppgir ikke hvilken anskaffelse det gjelder. Det må vise til denne (%(expected)s)."),
    N_("Filen kan ikke leses som et ESPD-svar (%(code)s)."),
    # tender.corrections: a correction's name and the bid deadline's fate
    N_("Rettelse %(number)s"),
    N_("Tilbudsfristen ble forlenget til %(moment)s."),
    N_("Tilbudsfristen ble ikke forlenget. Begrunnelse: %(reason)s"),
    # tender.noark.operations and tender.web.uploads: uploads
    N_("Filen er større enn grensen på %(size)s."),
    N_("Filen er større enn %(megabytes)s MB."),
    N_("Filen er ikke en gyldig .%(suffix)s-fil (innholdet stemmer ikke med filtypen)."),
)

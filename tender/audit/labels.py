"""The audit trail in words: Norwegian names for every event type the code records, for the object types
events are filed under, for the fields of their payloads and for the coded values in them.

One registry, so the trail page, its CSV and its PDF say the same thing; tests/test_audit_labels.py fails
when the code records an event type that has no name here (the same habit as the access matrix).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tender import formatting
from tender.core.scoring.methods import PRICE_METHODS

EVENT_LABELS: dict[str, str] = {
    "archive.package_built": "Arkivpakke laget",
    "award.recommendation_frozen": "Innstilling låst for godkjenning",
    "award.recommendation_rejected": "Innstilling avvist av en kommune",
    "award.recommendation_started": "Innstilling påbegynt",
    "award.recommendation_texts_saved": "Innstillingens begrunnelser lagret",
    "award.recommendation_withdrawn": "Innstilling trukket tilbake",
    "award.sign_off_refused": "Forsøk på å godkjenne innstillingen avvist",
    "award.signed_off": "Kommunens vedtak om innstillingen registrert",
    "award.sign_offs_lapsed": "Godkjenninger av innstillingen bortfalt",
    "bid.attachment_added": "Vedlegg lagt til tilbudet",
    "bid.attachment_removed": "Vedlegg fjernet fra tilbudet",
    "bid.created": "Tilbud påbegynt",
    "bid.draft_saved": "Tilbudsutkast lagret",
    "bid.late_attempt": "Forsøk på å levere etter tilbudsfristen",
    "bid.rejected": "Tilbud avvist",
    "bid.rejection_undone": "Avvisning av tilbud angret",
    "bid.submitted": "Tilbud levert",
    "bids.opened": "Tilbudene åpnet",
    # the award's cost split and option municipalities (tender.award.cost_operations)
    "award.cost_split_set": "Kostnadsfordeling valgt",
    "award.option_municipality_set": "Opsjonskommune endret",
    "bids.opening_confirmation_withdrawn": "Bekreftelse av tilbudsåpningen trukket tilbake",
    "bids.opening_confirmed": "Tilbudsåpningen bekreftet",
    "request.company_saved": "Firmaopplysninger i forespørsel om å delta lagret",
    "request.created": "Forespørsel om å delta påbegynt",
    "request.document_added": "Dokument lagt til forespørsel om å delta",
    "request.document_removed": "Dokument fjernet fra forespørsel om å delta",
    "request.espd_form_saved": "ESPD-svar i forespørsel om å delta lagret",
    "request.espd_imported": "ESPD-fil lest inn i forespørsel om å delta",
    "request.late_attempt": "Forsøk på å endre eller levere etter fristen for forespørsel om å delta",
    "request.reference_added": "Referanse lagt til forespørsel om å delta",
    "request.reference_removed": "Referanse fjernet fra forespørsel om å delta",
    "request.submitted": "Forespørsel om å delta levert",
    "chapter.added": "Kapittel lagt til",
    "chapter.changed": "Kapittel endret",
    "chapter.deleted": "Kapittel slettet",
    "chapter.moved": "Kapittel flyttet",
    "demo.bid_deadline_passed": "Tilbudsfristen flyttet til nå (demo)",
    "demo.standstill_passed": "Karensperioden flyttet til å slutte nå (demo)",
    "demo.round_deadline_passed": "Fristen for tilbudsrunden flyttet til nå (demo)",
    "demo.participation_deadline_passed": "Fristen for forespørsler om å delta flyttet til nå (demo)",
    "evaluation.consensus_opened": "Konsensusfasen åpnet",
    "evaluation.consensus_saved": "Konsensuspoeng lagret",
    "evaluation.criterion_added": "Tildelingskriterium lagt til",
    "evaluation.criterion_deleted": "Tildelingskriterium slettet",
    "evaluation.criterion_weight_changed": "Vekt på tildelingskriterium endret",
    "evaluation.criterion_min_score_changed": "Minstepoeng på tildelingskriterium endret",
    "evaluation.evaluator_assigned": "Evaluator tildelt kriterium",
    "evaluation.evaluator_unassigned": "Evaluator fjernet fra kriterium",
    "evaluation.model_frozen": "Evalueringsmodellen låst",
    "evaluation.price_item_added": "Priselement lagt til",
    "evaluation.price_item_deleted": "Priselement slettet",
    "evaluation.price_evaluation_changed": "Utregning av evaluert pris endret",
    "evaluation.requirement_checked": "Minstekrav vurdert",
    "evaluation.score_saved": "Individuelle poeng lagret",
    "evaluation.settings_changed": "Innstillinger for evalueringen endret",
    "evaluation.tie_break_recorded": "Avgjørelse ved likt resultat registrert",
    "invitation.accepted": "Invitasjon tatt imot",
    # the award's notices, standstill and contract (tender.award.notice_operations)
    "award.notices_issued": "Meddelelser om tildeling sendt",
    "award.notice_made": "Meddelelse om tildeling laget",
    "award.notice_mail_failed": "Meddelelse om tildeling kunne ikke sendes på e-post",
    "award.notices_refused": "Utsending av meddelelser om tildeling avvist",
    "award.contract_signed": "Signert kontrakt registrert",
    "award.contract_refused": "Registrering av signert kontrakt avvist",
    "negotiation.decided": "Beslutning om forhandling",
    "negotiation.difference_acknowledged": "Ulik informasjon om konkurransegrunnlaget kvittert ut",
    "negotiation.meeting_recorded": "Forhandlingsmøte referert",
    "negotiation.reduced": "Antall leverandører redusert",
    "negotiation.reservation_set": "Forbehold om tildeling uten forhandling endret",
    "negotiation.round_called": "Ny tilbudsrunde kalt inn",
    "invitation.issued": "Invitasjon sendt",
    "invitation.resent": "Invitasjon sendt på nytt (tidligere lenker ugyldige)",
    "membership.added": "Medlem lagt til",
    "membership.removed": "Medlem fjernet",
    "municipality.created": "Kommune opprettet",
    "municipality.changed": "Kommune endret i kommuneregisteret",
    "noark.requirement_confirmed": "Noark-resultat for minstekrav bekreftet",
    "noark.requirement_linked": "Minstekrav koblet til Noark-kontroll",
    "noark.requirement_unlinked": "Minstekrav koblet fra Noark-kontroll",
    "noark.sample_submitted": "Noark 5-prøve levert",
    "noark.sample_uploaded": "Noark 5-prøve lastet opp",
    "noark.validation_finished": "Kontroll av Noark 5-prøve ferdig",
    "noark.validation_restarted": "Kontroll av Noark 5-prøve startet på nytt",
    "prequalification.changed": "Oppsett for prekvalifisering endret",
    "prequalification.created": "Oppsett for prekvalifisering lagret første gang",
    "prequalification.criterion_added": "Utvelgelseskriterium lagt til",
    "prequalification.criterion_changed": "Utvelgelseskriterium endret",
    "prequalification.criterion_deleted": "Utvelgelseskriterium slettet",
    "prequalification.criterion_moved": "Utvelgelseskriterium flyttet",
    "prequalification.frozen": "Oppsett for prekvalifisering fryst og kunngjort",
    "prequalification.ground_added": "Avvisningsgrunn lagt til",
    "prequalification.ground_changed": "Avvisningsgrunn endret",
    "prequalification.ground_deleted": "Avvisningsgrunn slettet",
    "prequalification.ground_moved": "Avvisningsgrunn flyttet",
    "prequalification.requirement_added": "Kvalifikasjonskrav lagt til",
    "prequalification.requirement_changed": "Kvalifikasjonskrav endret",
    "prequalification.requirement_deleted": "Kvalifikasjonskrav slettet",
    "prequalification.requirement_moved": "Kvalifikasjonskrav flyttet",
    "prequalification.letter": "Brev om prekvalifiseringen laget for utsending",
    "protocol.downloaded": "Anskaffelsesprotokollen lastet ned",
    "requirement.added": "Krav lagt til",
    "requirement.changed": "Krav endret",
    "requirement.deleted": "Krav slettet",
    "requirement.moved": "Krav flyttet",
    "specification.approved": "Kravspesifikasjonen godkjent",
    "specification.imported": "Kravspesifikasjon importert",
    "specification.loaded": "Kravspesifikasjon lastet inn",
    "specification.published": "Kravspesifikasjonen kunngjort",
    "prequalification.tie_decided": "Rekkefølge ved likhet i utvelgelsen besluttet",
    "prequalification.selection_proposed": "Utvalg av kandidater foreslått",
    "prequalification.selection_withdrawn": "Forslag til utvalg trukket tilbake",
    "prequalification.selection_approved": "Utvalget godkjent av kommunen",
    "prequalification.selection_rejected": "Utvalget avvist av kommunen",
    "prequalification.selection_final": "Utvalget er endelig",
    "specification.renumbered": "Kravene nummerert på nytt",
    "specification.version_frozen": "Versjon av kravspesifikasjonen låst",
    "tender.changed": "Konkurransen endret",
    "tender.created": "Konkurransen opprettet",
    "tender.municipality_added": "Kommune lagt til i konkurransen",
    "tender.opening_persons_changed": "Antall personer ved tilbudsåpningen endret",
    "tender.vendor_added": "Leverandør lagt til i konkurransen",
    "user.created": "Bruker opprettet",
    "user.logged_in": "Innlogging",
    "user.logged_out": "Utlogging",
    "user.login_failed": "Mislykket innlogging",
    "user.password_changed": "Passord endret",
    "user.session_expired": "Økten utløpt",
    "vendor.created": "Leverandør opprettet",
    "vendor.invited_to_register": "Leverandør invitert til å registrere seg",
    "vendor_identity.refused": "Leverandøridentitet avvist",
    "vendor_registration.awaiting_approval": "Registrering venter på godkjenning",
    "vendor_registration.blocked": "Registrering avvist etter reglene",
    "vendor_registration.confirmed": "Registrering bekreftet",
    "vendor_registration.refused": "Registrering avslått",
    "vendor_registration.submitted": "Registrering sendt inn",
    "vendor_user.added": "Leverandørbruker lagt til",
    # prekvalifisering: åpning og vurdering
    "requests.opening_confirmed": "Åpningen av forespørslene bekreftet",
    "requests.opening_confirmation_withdrawn": "Bekreftelse av åpningen av forespørslene trukket tilbake",
    "requests.opened": "Forespørslene om å delta åpnet",
    "qualification.assessed": "Kvalifikasjonskrav vurdert",
    "exclusion.assessed": "Avvisningsgrunn vurdert",
    "clarification.asked": "Avklaring sendt til leverandøren",
    "clarification.answered": "Avklaring besvart",
    "clarification.late_attempt": "Forsøk på å svare på avklaring etter fristen",
    "selection.scored": "Poeng på utvelgelseskriterium gitt",
    "selection.consensus_set": "Konsensuspoeng på utvelgelseskriterium satt",
    # konkurransegrunnlaget (tender.documents)
    "documents.version_created": "Ny versjon av konkurransegrunnlaget påbegynt",
    "documents.agreement_chosen": "Standardavtale valgt for konkurransegrunnlaget",
    "documents.uploaded": "Dokument lastet opp til konkurransegrunnlaget",
    "documents.generated": "Dokument laget til konkurransegrunnlaget",
    "documents.renamed": "Dokument i konkurransegrunnlaget gitt nytt navn",
    "documents.removed": "Dokument fjernet fra konkurransegrunnlaget",
    "documents.frozen": "Versjon av konkurransegrunnlaget fryst",
    "documents.published": "Konkurransegrunnlaget publisert",
    "documents.discarded": "Upublisert versjon av konkurransegrunnlaget forkastet",
    "documents.downloaded": "Dokument i konkurransegrunnlaget lastet ned",
    # spørsmål og svar
    "question.asked": "Spørsmål stilt av leverandør",
    "question.late_attempt": "Forsøk på å stille spørsmål etter fristen for spørsmål",
    "question.drafted": "Spørsmål og svar redigert",
    "question.approved": "Svar på spørsmål godkjent for kommune",
    "question.published": "Spørsmål og svar publisert til alle leverandørene",
    "questions.settings_changed": "Innstilling for godkjenning av svar endret",
    # rettelser av kravspesifikasjonen
    "correction.started": "Rettelse av kravspesifikasjonen startet",
    "correction.published": "Rettelse av kravspesifikasjonen kunngjort",
    "correction.deadline_extended": "Tilbudsfristen forlenget ved rettelse",
    "correction.deadline_kept": "Tilbudsfristen ikke forlenget ved rettelse",
    "correction.vendors_notified": "Leverandørene varslet om rettelse",
    "correction.notice_days_set": "Frist for å spørre om forlenget tilbudsfrist ved rettelse endret",
    "correction.answers_reviewed": "Svar gjennomgått etter rettelse",
    "correction.cancelled": "Rettelse av kravspesifikasjonen avbrutt",
    "specification.restored": "Utkastet satt tilbake til den kunngjorte versjonen",
    "bid.moved_to_corrected_version": "Tilbudsutkast flyttet til rettet versjon; endrede krav merket",
    "bid.delivered_before_correction": "Levert tilbud svarer på versjonen før rettelsen",
    # rettelser av konkurransegrunnlaget (de andre dokumentene)
    "correction.documents_started": "Rettelse av konkurransegrunnlaget startet",
    "correction.documents_approved": "Kommunens godkjenning av rettelse av konkurransegrunnlaget",
    "correction.documents_published": "Rettelse av konkurransegrunnlaget kunngjort",
    "correction.documents_cancelled": "Rettelse av konkurransegrunnlaget avbrutt",
}

#: the tables events are filed under (``record()`` takes the object's table name)
OBJECT_LABELS: dict[str, str] = {
    "award_recommendation": "Innstilling til tildeling",
    "award_recommendation_text": "Begrunnelse i innstillingen",
    "award_sign_off": "Kommunens vedtak om innstillingen",
    "municipality": "Kommune",
    "vendor": "Leverandør",
    "tender_municipality": "Kommune i konkurransen",
    "tender_vendor": "Leverandør i konkurransen",
    "membership": "Medlemskap",
    "tender": "Konkurranse",
    "specification": "Kravspesifikasjon",
    "spec_criterion": "Kriterium i kravspesifikasjonen",
    "spec_chapter": "Kapittel",
    "spec_requirement": "Krav",
    "spec_version": "Versjon av kravspesifikasjonen",
    "spec_decision": "Godkjenning",
    "vendor_registration": "Leverandørregistrering",
    "vendor_user": "Leverandørbruker",
    "evaluation_model": "Evalueringsmodell",
    "award_criterion": "Tildelingskriterium",
    "criterion_evaluator": "Evaluator for kriterium",
    "price_item": "Priselement",
    "individual_score": "Individuelle poeng",
    "consensus_score": "Konsensuspoeng",
    "requirement_check": "Vurdering av minstekrav",
    "user_account": "Brukerkonto",
    "invitation": "Invitasjon",
    "login_throttle": "Innloggingssperre",
    "login_throttle_client": "Innloggingssperre for klient",
    "user_session": "Økt",
    "audit_head": "Revisjonsspor",
    "audit_event": "Hendelse",
    "noark_sample": "Noark 5-prøve",
    "participation_request": "Forespørsel om å delta",
    "request_document": "Dokument i forespørsel om å delta",
    "request_reference": "Referanse i forespørsel om å delta",
    "noark_requirement_link": "Kobling mellom minstekrav og Noark-kontroll",
    "noark_requirement_confirmation": "Bekreftet Noark-resultat",
    "bid": "Tilbud",
    "bid_answer": "Svar i tilbud",
    "bid_price_line": "Prislinje i tilbud",
    "bid_attachment": "Vedlegg til tilbud",
    "bid_opening": "Tilbudsåpning",
    "bid_opening_confirmation": "Bekreftelse av tilbudsåpning",
    "bid_round": "Tilbudsrunde",
    "bid_round_vendor": "Leverandør invitert til tilbudsrunde",
    "negotiation": "Forhandling",
    "award_cost_split": "Kostnadsfordeling",
    "award_cost_split_share": "Kommunens andel av kostnadene",
    "award_notice_issue": "Meddelelse om tildeling",
    "award_notice": "Meddelelse om tildeling til en leverandør",
    "award_contract": "Kontrakt",
    "negotiation_meeting": "Forhandlingsmøte",
    "negotiation_information_ack": "Kvittering for ulik informasjon om konkurransegrunnlaget",
    "negotiation_reduction": "Reduksjon av leverandører",
    "negotiation_reduction_leaving": "Leverandør ute av konkurransen",
    "prequalification": "Oppsett for prekvalifisering",
    "qualification_requirement": "Kvalifikasjonskrav",
    "exclusion_ground": "Avvisningsgrunn",
    "selection_criterion": "Utvelgelseskriterium",
    "selection_tie_break": "Beslutning om rekkefølge ved likhet i utvelgelsen",
    "selection_proposal": "Forslag til utvalg av kandidater",
    "selection_approval": "Kommunens beslutning om utvalget",
    "request_opening": "Åpning av forespørslene",
    "request_opening_confirmation": "Bekreftelse av åpningen av forespørslene",
    "qualification_assessment": "Vurdering av kvalifikasjonskrav",
    "exclusion_assessment": "Vurdering av avvisningsgrunn",
    "clarification": "Avklaring",
    "selection_individual_score": "Individuelle poeng på utvelgelseskriterium",
    "selection_consensus_score": "Konsensuspoeng på utvelgelseskriterium",
    # konkurransegrunnlaget
    "document_set_version": "Versjon av konkurransegrunnlaget",
    "tender_document": "Dokument i konkurransegrunnlaget",
    "document_download": "Nedlasting av dokument i konkurransegrunnlaget",
    "question": "Spørsmål",
    "question_settings": "Innstillinger for spørsmål og svar",
    "question_attachment": "Vedlegg til spørsmål",
    "question_approval": "Kommunens godkjenning av svar",
    # rettelser
    "spec_correction": "Rettelse av kravspesifikasjonen",
    "correction_answer_review": "Svar merket for gjennomgang etter rettelse",
    "documents_correction_approval": "Kommunens godkjenning av rettelse av konkurransegrunnlaget",
}

#: the payload fields, in words
FIELD_LABELS: dict[str, str] = {
    # the award's cost split (tender.award.cost_operations)
    "split_key": "Fordelingsnøkkel",
    "fixed_percent": "Fast andel (prosent)",
    "percents": "Prosentsatser",
    "option": "Opsjonskommune",
    # the award's notices and contract (tender.award.notice_operations)
    "issued_at": "Sendt",
    "standstill_days": "Karensperiode (dager)",
    "standstill_ends_at": "Karensperioden er over",
    "content_sha256": "Innstillingens kontrollsum",
    "notices": "Meddelelser",
    "signed_at": "Signert",
    "signed_by": "Signert av",
    # the recommendation and its sign-off (tender.award.recommendation_operations)
    "old_sha256": "Tidligere sjekksum",
    "new_sha256": "Ny sjekksum",
    "lapsed": "Bortfalte godkjenninger",
    "written": "Begrunnelser skrevet",
    "of": "Av",
    "body": "Vedtatt av",
    "decision_date": "Vedtaksdato",
    "case_number": "Saksnummer i kommunens arkiv",
    "winner": "Innstilt leverandør",
    "code": "Kode",
    "decision": "Vedtak",
    # negotiation (tender.negotiation)
    "choice": "Beslutning",
    "documents_info": "Informasjon om konkurransegrunnlaget",
    "given": "Informasjon gitt",
    "held_at": "Møtetidspunkt",
    "kept": "Videre i konkurransen",
    "leaving": "Ute av konkurransen",
    "message": "Melding",
    "note": "Anvendelse av tildelingskriteriene",
    "ranking": "Rangering",
    "reserved": "Forbeholdt tildeling uten forhandling",
    "vendors": "Leverandører",
    "administrator": "Administrator",
    "after": "Etter",
    "allow_half_points": "Halve poeng tillatt",
    "answers": "Svar",
    "answered": "Besvart",
    "approved_by": "Godkjent av",
    "at": "Tidspunkt",
    "attempt": "Forsøk",
    "before": "Før",
    "bid": "Tilbud",
    "bids": "Tilbud",
    "came_in_via": "Kom inn via",
    "case_reference": "Saksnummer",
    "category": "Gruppe",
    "changed": "Endret",
    "chapters": "Kapitler",
    "client": "Klient",
    "comment": "Kommentar",
    "confirmations": "Bekreftelser",
    "content_hash": "Innholdets sjekksum",
    "contract_period": "Kontraktsperiode",
    "criteria": "Kriterier",
    "criterion": "Kriterium",
    "customer": "Kunde",
    "description": "Beskrivelse",
    "descriptors": "Skala 0–10",
    "disagreement_threshold": "Terskel for uenighet",
    "documentation": "Dokumentasjon som kreves",
    "email": "E-post",
    "enabled": "Prekvalifisering",
    "error": "Feil",
    "errors": "Feil",
    "espd_criterion": "ESPD-kriterium",
    "exclusion_grounds": "Avvisningsgrunner",
    "expires_at": "Utløper",
    "filename": "Filnavn",
    "files": "Antall filer",
    "from": "Fra",
    "incomplete": "Ufullstendige",
    "invited": "Invitert",
    "is_admin": "Administrator",
    "justification": "Begrunnelse",
    "key": "Nøkkel",
    "kind": "Type",
    "kommunenummer": "Kommunenummer",
    "late_attempts": "Forsøk etter fristen",
    "mandatory": "Obligatorisk",
    "maximum_candidates": "Største antall kandidater",
    "met": "Oppfylt",
    "minimum_candidates": "Minste antall kandidater",
    "missing": "Mangler",
    "municipality": "Kommune",
    "name": "Navn",
    "nok_per_point": "Kroner per poeng",
    "normalise": "Normaliserte kvalitetspoeng",
    "not_selected": "Ikke valgt ut",
    "number": "Nummer",
    "opened_by": "Åpnet av",
    "order": "Rekkefølge",
    "organisasjonsnummer": "Organisasjonsnummer",
    "origin": "Kilde",
    "other_sessions_ended": "Andre økter avsluttet",
    "outcome": "Utfall",
    "parent": "Overordnet",
    "participation_deadline": "Frist for forespørsel om å delta",
    "per_municipality": "Per kommune",
    "persons_required": "Personer som må bekrefte",
    "population": "Innbyggere",
    "price_k": "k i prisformelen",
    "cleared": "Priser fjernet",
    "price_method": "Prismetode",
    "prices": "Priser",
    "procedure": "Prosedyre",
    "questions_deadline": "Frist for spørsmål",
    "bid_deadline": "Tilbudsfrist",
    "reason": "Begrunnelse",
    "rejected": "Avvist",
    "rejection_reason": "Begrunnelse for avvisningen",
    "receipt_sha256": "Kvitteringens sjekksum",
    "requirement": "Krav",
    "requirements": "Krav",
    "role": "Rolle",
    "round_no": "Tilbudsrunde",
    "sample": "Noark 5-prøve",
    "sample_demanded": "Noark 5-prøveuttrekk kreves",
    "scale_max": "Høyeste poeng",
    # the evaluation model's issue 16 settings (tender.evaluation_model.operations)
    "rule": "Regel",
    "mean": "Eksakt gjennomsnitt",
    "score": "Poeng",
    "sessions_ended": "Økter avsluttet",
    "sha256": "Sjekksum (SHA-256)",
    "signers_approve_selection": "Kommunene godkjenner utvelgelsen",
    "size": "Størrelse",
    "started_at": "Startet",
    "status": "Status",
    "step": "Trinn",
    "submitted_at": "Levert",
    "swapped_with": "Byttet plass med",
    "text": "Tekst",
    "title": "Tittel",
    "to": "Til",
    "total": "Sum",
    "user": "Bruker",
    "vendor": "Leverandør",
    "verdict": "Resultat",
    "version": "Versjon",
    "voided": "Tidligere lenker gjort ugyldige",
    "warnings": "Advarsler",
    "weight": "Vekt",
    "weight_max": "Høyeste vekt",
    "weight_min": "Laveste vekt",
    "why": "Hvorfor",
    "without_scores": "Uten poeng",
    # prekvalifisering: åpning og vurdering
    "applies": "Gjelder",
    "deadline": "Frist",
    "documents": "Dokumenter",
    "ground": "Avvisningsgrunn",
    "question": "Spørsmål",
    "request": "Forespørsel",
    "requests": "Forespørsler",
    # konkurransegrunnlaget
    "agreement": "Standardavtale",
    "correction": "Rettelse",
    "document_kind": "Dokumenttype",
    "label": "Navn",
    "source": "Laget fra",
    # spørsmål og svar
    "approval_required": "Kommunene godkjenner svarene",
    "approvals_voided": "Godkjenninger som ikke lenger gjelder",
    "attachment_sha256": "Vedleggets sjekksum (SHA-256)",
    "mail": "E-postserver satt opp",
    "notified": "Leverandørbrukere varslet på e-post",
    # rettelser
    "added": "Lagt til",
    "removed": "Slettet",
    "base_version": "Rettet versjon",
    "correction_kind": "Hva som rettes",
    "sent": "Sendt",
    "failed": "Ikke sendt",
    "mail_server": "E-postserver satt opp",
    "started_reason": "Begrunnelse for rettelsen",
    # evalueringsmodellen etter issue 16: skalaens trinn, konsensusregelen, minstegrenser, prisjusterende
    # metoder og prisskjemaets evaluerte pris
    "scale_step": "Trinn på poengskalaen",
    "consensus_rule": "Regel for konsensuspoeng",
    "min_quality": "Minste vektede kvalitetspoeng",
    "min_score": "Minstepoeng",
    "surcharge_percent": "Pristillegg ved null kvalitet (S, %)",
    "deduction_percent": "Prisfradrag ved full kvalitet (D, %)",
    "price_evaluation": "Evaluert pris regnes som",
    "discount_rate_percent": "Diskonteringsrente (%)",
    "price_gaps": "Poster uten pris",
    "quantity": "Mengde",
}

#: coded values in payloads, by field (the stored value is the enum's value, not Norwegian)
VALUE_LABELS: dict[str, dict[str, str]] = {
    "split_key": {
        "population": "Etter innbyggertall",
        "equal": "Like deler",
        "fixed_plus_population": "Fast andel hver, resten etter innbyggertall",
        "custom": "Egne prosentsatser",
    },
    "decision": {"approved": "Godkjent", "rejected": "Avvist"},
    "body": {
        "kommunestyre": "Kommunestyret",
        "formannskap": "Formannskapet",
        "kommunedirektor": "Kommunedirektøren (delegert myndighet)",
    },
    "document_kind": {
        "invitation": "Konkurransebestemmelser (invitasjon)",
        "specification": "Kravspesifikasjon (PDF)",
        "answer_form": "Svarskjema (Excel)",
        "contract": "Kontrakt",
        "appendix": "Kontraktsbilag",
        "price_schedule": "Prisskjema",
        "qualification": "Kvalifikasjonskrav",
        "award_criteria": "Tildelingskriterier og prismodell",
    },
    "choice": {"negotiate": "Forhandle", "award_initial": "Tildele på grunnlag av de inngående tilbudene"},
    "role": {
        "lead": "Prosjektleder (anskaffelse)",
        "evaluator": "Evaluator",
        "signer": "Godkjenner for kommune",
        "observer": "Observatør",
        "vendor": "Leverandørbruker",
    },
    "procedure": {
        "open": "Åpen anbudskonkurranse",
        "restricted": "Begrenset anbudskonkurranse",
        "competitive_negotiation": "Konkurranse med forhandling",
    },
    "status": {
        "queued": "I kø",
        "running": "Kontrolleres",
        "done": "Ferdig",
        "failed": "Feilet",
        "fail": "Feilet",
        "met": "Oppfylt",
        "not_met": "Ikke oppfylt",
        "clarify": "Må avklares",
    },
    "verdict": {"valid": "Gyldig", "invalid": "Ugyldig", "unreadable": "Kan ikke leses"},
    "kind": {
        "one_off": "Engangskostnad",
        "yearly": "Årlig kostnad",
        "price": "Pris",
        "quality": "Kvalitet",
        "revised": "Reviderte tilbud",
        "bafo": "Endelige tilbud (BAFO)",
    },
    "came_in_via": {
        "registration": "Egen registrering",
        "approval": "Godkjent av leverandørens administrator",
        "operator": "Lagt til av innkjøpsgruppen",
        "before_registration": "Fra før selvregistreringen",
    },
    # every registered price method by its Norwegian label (tender.core.scoring.methods)
    "price_method": {name: method.label for name, method in PRICE_METHODS.items()},
    "consensus_rule": {
        "agreed": "Enighet i gruppen",
        "mean": "Gjennomsnitt av evaluatorenes poeng",
    },
    "price_evaluation": {
        "life_cycle": "Livssykluskostnad over avtaleperioden",
        "basket": "Handlekurv (mengde × enhetspris)",
        "average": "Gjennomsnitt over postene",
    },
    "price_gaps": {
        "reject": "Et tilbud uten pris på en post kan ikke evalueres",
        "highest": "Regnes med den høyeste prisen noen tilbyr på posten",
    },
    "rule": {"mean": "Gjennomsnittet av de individuelle poengene"},
}


def event_label(event_type: str) -> str:
    return EVENT_LABELS.get(event_type, event_type)


def object_label(object_type: str | None) -> str:
    if not object_type:
        return ""
    return OBJECT_LABELS.get(object_type, object_type)


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key.replace("_", " ").capitalize())


def actor_label(label: str) -> str:
    """Who did it, in words: the recorded e-mail, or the command line ("cli:<os user>") as the system."""
    if label.startswith("cli:"):
        return f"Systemet (kommandolinje: {label[4:]})"
    if label == "demo":
        return "Systemet (demo)"
    return label


def _moment(text: str) -> str | None:
    if len(text) < 19 or text[4] != "-" or "T" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return formatting.format_datetime(moment, seconds=True) if moment.tzinfo else None


def value_text(value: Any, key: str = "") -> str:
    """One payload value in words: yes/no, nothing, Oslo time, numbers with a decimal comma, coded values
    named."""
    # some operations record an absent decimal as the text "None" (str() of it); it reads as nothing too
    if value is None or value == "None":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, int) and key == "size":
        return formatting.format_file_size(value)
    if isinstance(value, int):
        return formatting.format_number(value) if abs(value) >= 10_000 and key not in _CODES else str(value)
    if isinstance(value, float):
        return formatting.format_decimal(Decimal(str(value)))
    if isinstance(value, str):
        coded = VALUE_LABELS.get(key, {}).get(value)
        if coded:
            return coded
        moment = _moment(value)
        if moment:
            return moment
        if key in _DECIMALS:
            try:
                number = Decimal(value)
                if key == "scale_step" and number == 0:
                    return "0 (uten faste trinn)"
                return formatting.format_decimal(number, _PLACES.get(key, 2))
            except (InvalidOperation, ValueError):
                return value
        return value
    if isinstance(value, list):
        if not value:
            return "ingen"
        return "; ".join(value_text(v, key) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{field_label(k)}: {value_text(v, k)}" for k, v in value.items())
    return str(value)


#: numbers that are identifiers, written without thousands separators
_CODES = frozenset({"kommunenummer", "organisasjonsnummer", "bid", "sample", "number", "version", "size"})
#: decimal numbers stored as text
_DECIMALS = frozenset(
    {
        "weight",
        "weight_min",
        "weight_max",
        "score",
        "price_k",
        "nok_per_point",
        "scale_max",
        "scale_step",
        "min_quality",
        "min_score",
        "surcharge_percent",
        "deduction_percent",
        "discount_rate_percent",
        "quantity",
    }
)

#: decimals shown where two are too few (a step of 0,125; a mean score of 3,8333)
_PLACES = {
    "scale_step": 4,
    "score": 4,
    "min_score": 4,
    "min_quality": 4,
    "surcharge_percent": 4,
    "deduction_percent": 4,
    "discount_rate_percent": 4,
}


@dataclass(frozen=True)
class Change:
    label: str
    text: str


def changes(payload_json: str | None) -> list[Change]:
    """What an event recorded, as a list of named values."""
    if not payload_json:
        return []
    try:
        payload = json.loads(payload_json)
    except ValueError:
        return [Change("Innhold", payload_json)]
    if not isinstance(payload, dict):
        return [Change("Innhold", value_text(payload))]
    return [Change(field_label(k), value_text(v, k)) for k, v in payload.items()]


def register_filters(filters: dict[str, Callable[..., Any]]) -> None:
    filters["event_label"] = event_label
    filters["object_label"] = object_label
    filters["actor_label"] = actor_label
    filters["audit_changes"] = changes


__all__ = [
    "EVENT_LABELS",
    "FIELD_LABELS",
    "OBJECT_LABELS",
    "VALUE_LABELS",
    "Change",
    "actor_label",
    "changes",
    "event_label",
    "field_label",
    "object_label",
    "register_filters",
    "value_text",
]

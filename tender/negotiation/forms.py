from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tender.negotiation.models import NegotiationChoice

_LONG = 10_000
_TOO_LONG = "Teksten kan ha høyst 10 000 tegn."


def _text(label: str, required: str) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired(required), Length(max=_LONG, message=_TOO_LONG)])


class ReservationForm(FlaskForm):
    reserved = SelectField(
        "Forbeholder kunngjøringen retten til å tildele på grunnlag av de inngående tilbudene uten "
        "forhandling?",
        choices=[
            SelectChoice("nei", "Nei: etter første runde skal det forhandles"),
            SelectChoice("ja", "Ja: det kan tildeles uten forhandling"),
        ],
        validate_choice=True,
    )


class DecisionForm(FlaskForm):
    choice = SelectField(
        "Beslutning",
        choices=[SelectChoice(c.value, c.label) for c in NegotiationChoice],
        validate_choice=True,
    )
    reason = _text("Begrunnelse", "Skriv begrunnelsen for beslutningen.")


class MeetingForm(FlaskForm):
    # the vendors still in the competition; the operation refuses anyone else, in words (validate_choice off)
    vendor = SelectField("Leverandør", choices=[], validate_choice=False)
    held_at = DateTimeLocalField(
        "Tidspunkt (norsk tid)",
        validators=[DataRequired("Skriv inn når møtet ble holdt.")],
        format="%Y-%m-%dT%H:%M",
    )
    our_attendees = _text("Deltakere fra oppdragsgiver", "Skriv hvem som deltok fra oppdragsgiver.")
    vendor_attendees = _text("Deltakere fra leverandøren", "Skriv hvem som deltok fra leverandøren.")
    topics = _text("Temaer", "Skriv hvilke temaer som ble tatt opp.")
    vendor_told = _text("Hva leverandøren ble fortalt", "Skriv hva leverandøren ble fortalt.")
    documents_info = _text(
        "Informasjon om konkurransegrunnlaget som ble gitt",
        "Skriv hvilken informasjon om konkurransegrunnlaget som ble gitt (eller «Ingen»).",
    )


class AcknowledgeForm(FlaskForm):
    reason = _text("Hvorfor forskjellen er i orden", "Skriv hvorfor forskjellen er i orden.")


class ReductionForm(FlaskForm):
    note = _text(
        "Slik er de kunngjorte tildelingskriteriene anvendt",
        "Skriv hvordan de kunngjorte tildelingskriteriene er brukt i reduksjonen.",
    )


class ReductionVendorForm(FlaskForm):
    """One vendor's line in the reduction (prefixed with the vendor's id): out or not, and why."""

    class Meta:
        csrf = False  # part of ReductionForm's post, which carries the token

    leave = BooleanField("Tas ut av konkurransen")
    reason = TextAreaField(
        "Begrunnelse til leverandøren", validators=[Optional(), Length(max=_LONG, message=_TOO_LONG)]
    )


class CallForm(FlaskForm):
    deadline = DateTimeLocalField(
        "Ny tilbudsfrist (norsk tid)",
        validators=[DataRequired("Skriv inn den nye tilbudsfristen.")],
        format="%Y-%m-%dT%H:%M",
    )
    questions_deadline = DateTimeLocalField(
        "Ny frist for spørsmål (norsk tid, valgfri)", validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    bafo = BooleanField("Endelige tilbud (BAFO): dette er den siste runden, uten flere forhandlinger")
    message = _text("Melding til leverandørene", "Skriv meldingen til leverandørene.")

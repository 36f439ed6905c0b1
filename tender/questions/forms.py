"""The forms of questions and answers: the vendor's question, the group's edit and answer, the signer's
approval and the lead's publication (both bound to the texts read), and the tender's setting."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tender.questions.operations import MAX_TEXT
from tender.web.forms import TranslatedForm

_TOO_LONG = f"Teksten kan være høyst {MAX_TEXT:,} tegn.".replace(",", " ")


def _one_line_break(value: Any) -> Any:
    # Browsers send a textarea's line breaks as CRLF: count (and keep) each as one character, as typed.
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


class QuestionForm(TranslatedForm):
    text = TextAreaField(
        lazy_gettext("Spørsmålet"),
        filters=[_one_line_break],
        validators=[
            DataRequired(lazy_gettext("Skriv spørsmålet.")),
            Length(max=MAX_TEXT, message=lazy_gettext("Teksten kan være høyst 10 000 tegn.")),
        ],
    )
    attachment = FileField(lazy_gettext("Vedlegg (valgfritt: PDF, kontorfil eller bilde)"))


class DraftForm(FlaskForm):
    published_text = TextAreaField(
        "Spørsmålet slik det publiseres (uten noe som viser hvem som spurte)",
        filters=[_one_line_break],
        validators=[
            DataRequired("Skriv spørsmålet slik det skal publiseres."),
            Length(max=MAX_TEXT, message=_TOO_LONG),
        ],
    )
    answer = TextAreaField(
        "Svar", filters=[_one_line_break], validators=[Optional(), Length(max=MAX_TEXT, message=_TOO_LONG)]
    )


class TextConfirmForm(FlaskForm):
    """A button bound to the texts on the page: the SHA-256 of what the person read goes with it."""

    sha256 = HiddenField()


class SettingsForm(FlaskForm):
    approval_required = RadioField(
        "Godkjenning av svarene",
        choices=[
            SelectChoice("ja", "Hver deltakende kommune godkjenner et svar før det kan publiseres"),
            SelectChoice("nei", "Svarene publiseres uten godkjenning fra kommunene"),
        ],
    )

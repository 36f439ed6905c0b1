"""The vendor's bid forms. Each requirement gets the answer form its answer form asks for (a choice, free text
or a number), so that every field the server validates is one the page renders and the browser posts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, Form, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from tender.core import spec as core_spec
from tender.formatting import parse_number
from tender.i18n import translated
from tender.web.forms import NorwegianDecimalField, TranslatedForm


class BidForm(FlaskForm):
    """The whole draft: CSRF and the version the vendor loaded; answers and prices are sub-forms by prefix."""

    lock_version = HiddenField()


class AnswerForm(Form):
    """What every requirement's answer has besides the answer itself (no CSRF of its own: it is posted inside
    BidForm)."""

    description = TextAreaField(
        lazy_gettext("Beskrivelse av løsningen"),
        validators=[Optional(), Length(max=20_000, message=lazy_gettext("Høyst 20 000 tegn."))],
    )
    documentation_ref = StringField(
        lazy_gettext("Henvisning til dokumentasjon (dokument og kapittel)"),
        validators=[Optional(), Length(max=300, message=lazy_gettext("Høyst 300 tegn."))],
    )
    reservation = BooleanField(lazy_gettext("Jeg tar forbehold mot dette kravet"))
    # no Optional(): it would stop the chain before validate_reservation_text sees an empty text
    reservation_text = TextAreaField(
        lazy_gettext("Forbeholdet"), validators=[Length(max=5_000, message=lazy_gettext("Høyst 5 000 tegn."))]
    )

    def validate_reservation_text(self, field: Any) -> None:
        if self.reservation.data and not (field.data or "").strip():
            raise ValidationError(gettext("Beskriv forbeholdet."))

    @property
    def answer(self) -> str:
        raise NotImplementedError

    def set_answer(self, value: str) -> None:
        raise NotImplementedError

    @property
    def touched(self) -> bool:
        """Whether the vendor wrote anything for this requirement (untouched ones are not stored)."""
        return bool(
            self.answer.strip()
            or (self.description.data or "").strip()
            or (self.documentation_ref.data or "").strip()
            or self.reservation.data
        )


class _ChoiceField(SelectField):
    """A select whose refusal is worded in Norwegian; not posted at all counts as not answered."""

    def pre_validate(self, form: Any) -> None:
        if self.data not in {c[0] for c in self.iter_choices()}:
            raise ValidationError(gettext("Velg et av svarene i listen."))


class ChoiceAnswerForm(AnswerForm):
    """Ja/Nei or Ja/Nei/Delvis."""

    choice = _ChoiceField(lazy_gettext("Oppfylt?"), choices=[], default="")

    @property
    def answer(self) -> str:
        return self.choice.data or ""

    def set_answer(self, value: str) -> None:
        self.choice.data = value


class TextAnswerForm(AnswerForm):
    """A short free-text answer (the longer explanation goes in the description)."""

    value = StringField(
        lazy_gettext("Svar"),
        validators=[
            Optional(),
            Length(max=200, message=lazy_gettext("Høyst 200 tegn; skriv resten i beskrivelsen.")),
        ],
    )

    @property
    def answer(self) -> str:
        return self.value.data or ""

    def set_answer(self, value: str) -> None:
        self.value.data = value


class NumberAnswerForm(TextAnswerForm):
    """A number answer, kept as the vendor typed it (it is part of their bid), but only when it is one."""

    value = StringField(
        lazy_gettext("Svar (tall)"),
        validators=[Optional(), Length(max=200, message=lazy_gettext("Høyst 200 tegn."))],
    )

    def validate_value(self, field: Any) -> None:
        if not (field.data or "").strip():
            return
        try:
            parse_number(field.data)
        except ValueError:
            raise ValidationError(
                gettext("Svaret må være et tall, ikke «%(raw)s».", raw=field.data)
            ) from None


def answer_form_for(requirement: core_spec.Requirement, formdata: Any) -> AnswerForm:
    """The form for one requirement's answer, matching its answer form."""
    prefix = f"a-{requirement.id}"
    if requirement.answer_form.choices:
        form: AnswerForm = ChoiceAnswerForm(formdata=formdata, prefix=prefix)
        # the stored value stays the Norwegian word ("Ja"); only what the vendor reads is translated
        form.choice.choices = [SelectChoice("", gettext("– velg –"))] + [
            SelectChoice(c, translated(c))  # type: ignore[attr-defined]
            for c in requirement.answer_form.choices
        ]
        return form
    if requirement.answer_form is core_spec.AnswerForm.TALL:
        return NumberAnswerForm(formdata=formdata, prefix=prefix)
    return TextAnswerForm(formdata=formdata, prefix=prefix)


class PriceForm(Form):
    # the messages name the price line, so that they make sense in the list at the top of the page too
    amount = NorwegianDecimalField(
        lazy_gettext("Beløp i kroner eks. mva."),
        minimum=Decimal(0),
        places=2,
        max_length=30,
        invalid="«{form.line_label}»: beløpet må være et tall, ikke «{raw}».",
        too_large="«{form.line_label}»: beløpet er for stort.",
        below_minimum="«{form.line_label}»: beløpet kan ikke være negativt.",
    )
    #: the price line's name
    line_label = ""


# Both file fields are posted as "file" but live on one page: their own ids keep each label on its own input.
class AttachmentForm(TranslatedForm):
    file = FileField(
        lazy_gettext("Vedlegg"), id="vedlegg-fil", validators=[FileRequired(lazy_gettext("Velg en fil."))]
    )


class AnswerUploadForm(TranslatedForm):
    file = FileField(
        lazy_gettext("Utfylt svarskjema (.xlsx)"),
        id="svarskjema-fil",
        validators=[FileRequired(lazy_gettext("Velg en fil."))],
    )


def form_problems(form: FlaskForm) -> list[str]:
    """A file form's refusal in words (an expired CSRF token never gets here: the app answers it with 400)."""
    return [e for name, field in form._fields.items() if name != "csrf_token" for e in field.errors]

"""Form pieces shared by every domain."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import flash, has_request_context, redirect
from flask_babel import get_locale
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field, Form
from wtforms.validators import InputRequired, Optional, StopValidation
from wtforms.widgets import TextInput

from tender.errors import DomainError
from tender.formatting import format_for_input, parse_number
from tender.web.transactions import discard_changes

#: WTForms' bundled catalogue for its built-in messages ("Dette feltet er påkrevd.", "Ikke et gyldig valg")
FORM_LOCALES = ("nb_NO", "nb")
#: the same messages on a vendor's page in English (tender.i18n): WTForms' English catalogue
ENGLISH_FORM_LOCALES = ("en",)


class _PageLocales:
    """``Meta.locales`` read per form: the page's language (tender.i18n) picks WTForms' catalogue."""

    def __get__(self, meta: Any, owner: Any = None) -> tuple[str, ...]:
        locale = get_locale() if has_request_context() else None
        return ENGLISH_FORM_LOCALES if locale is not None and locale.language == "en" else FORM_LOCALES


def init_forms(app: Any) -> None:
    """Every form's built-in validation messages in the page's language: bokmål, or English on a vendor's
    page in English. WTForms ships both catalogues, used when Flask-WTF's Flask-Babel hook is off
    (``WTF_I18N_ENABLED = False``; our own catalogue has none of WTForms' messages) and the forms' Meta
    names the locale."""
    app.config.setdefault("WTF_I18N_ENABLED", False)
    FlaskForm.Meta.locales = _PageLocales()


class TranslatedForm(FlaskForm):
    """A form whose labels and messages are marked with ``lazy_gettext`` (the vendors' pages, tender.i18n).
    After validation its errors are plain text in the page's language, so they join, compare and format as
    every other message does."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.errors, list):
                field.errors = [str(e) if isinstance(e, LazyString) else e for e in field.errors]
        return bool(valid)


class EmptyForm(FlaskForm):
    """A POST-only button: nothing but the CSRF token."""


class NorwegianDecimalField(Field):
    """A number as Norwegians type it ("4 160 000,50", "1,5"; a point and non-breaking spaces are taken too,
    see ``tender.formatting.parse_number``), as a Decimal in ``data`` (None when left empty). A stored value
    is shown for editing through ``format_for_input`` ("1250,5", or "1250,50" with ``places=2``); what the
    person typed is shown back as typed. ``required`` is the message for an empty field (blanks count as
    empty); without it the field may be left empty. ``max_length`` limits the text typed, with WTForms' own
    message. Garbage, and values outside ``minimum``/``maximum``, are refused with Norwegian messages,
    worded with ``{raw}`` (the text typed), ``{label}`` (the field's label) and ``{form}`` (the form, for a
    message that names the line it is on)."""

    widget = TextInput()

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        *,
        required: str | None = None,
        invalid: str = "{label} må være et tall, ikke «{raw}».",
        too_large: str = "{label} må være et endelig tall.",
        below_minimum: str = "{label} kan ikke være mindre enn {minimum}.",
        minimum: Decimal | None = None,
        maximum: Decimal = Decimal(10) ** 12,
        places: int | None = None,
        max_length: int | None = None,
        **kwargs: Any,
    ) -> None:
        # InputRequired also marks the input ``required`` for the browser; blanks are caught in pre_validate
        validators = [*(validators or ()), InputRequired(required) if required else Optional()]
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.invalid, self.too_large, self.below_minimum = invalid, too_large, below_minimum
        self.minimum, self.maximum, self.places, self.max_length = minimum, maximum, places, max_length
        self.unreadable = False

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return format_for_input(self.data, self.places) if isinstance(self.data, Decimal) else ""

    def process_data(self, value: Any) -> None:
        self.data = _as_number(value)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.unreadable = False
        if not valuelist:  # not posted at all: keep the data the form was built with, as WTForms' fields do
            return
        text = str(valuelist[0])
        if not text.strip():
            self.data = None
            return
        try:
            self.data = parse_number(text)
        except ValueError:
            self.data, self.unreadable = None, True

    def pre_validate(self, form: Form) -> None:
        raw = str(self.raw_data[0]) if self.raw_data else ""
        words = {
            "raw": raw,
            "label": self.label.text,
            "form": form,
            "minimum": format_for_input(self.minimum),
        }
        if self.max_length is not None and len(raw) > self.max_length:
            # WTForms' own wording for a text too long, from its bokmål catalogue
            # (tender.web.forms.FORM_LOCALES)
            raise StopValidation(
                self.ngettext(
                    "Field cannot be longer than %(max)d character.",
                    "Field cannot be longer than %(max)d characters.",
                    self.max_length,
                )
                % {"max": self.max_length}
            )
        if self.unreadable:
            raise StopValidation(self.invalid.format(**words))
        if self.data is None:
            if self.required:
                raise StopValidation(self.required)
            return
        if abs(self.data) >= self.maximum:
            raise StopValidation(self.too_large.format(**words))
        if self.minimum is not None and self.data < self.minimum:
            raise StopValidation(self.below_minimum.format(**words))


def _as_number(value: Any) -> Decimal | None:
    """A stored value (Decimal, int, or text as older code set it) as the field's data."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    try:
        return parse_number(str(value))
    except ValueError:
        return None


def put_reasons_on_form(form: Form, error: DomainError) -> None:
    """Show a domain error's reasons next to the fields they are about (or above the form)."""
    for field_name, messages in error.reasons.items():
        field = getattr(form, field_name, None) if field_name else None
        if field is not None:
            field.errors = [*field.errors, *messages] if isinstance(field.errors, list) else list(messages)
        else:
            form.form_errors.extend(messages)


def refusal_in_words(form: Form) -> str:
    """What a form refused, field by field ("Begrunnelse: Skriv begrunnelsen."), for a view that answers a
    refused POST with a message at the top of the page rather than the form again."""
    said = [
        f"{field.label.text}: {' '.join(field.errors)}"
        for field in form
        if field.errors and field.type != "CSRFTokenField"
    ]
    return " ".join([*said, *form.form_errors]) or "Skjemaet er ugyldig. Last siden på nytt og prøv igjen."


def run_button(
    operation: Callable[[], Any],
    *,
    back: str,
    success: str | Callable[[Any], str] | None = None,
    failure: Callable[[DomainError], str] | None = None,
    refused: Callable[[DomainError], object] | None = None,
) -> Response:
    """A POST button's whole life: run the operation and say so (``success`` may be worded from the
    operation's result), or forget what it did and say why (``failure`` may word the refusal; ``refused``
    is called with it, e.g. to keep the refused attempt in the trail); either way go back to ``back``. The
    request's transaction (``tender.web.transactions``) commits the redirect; nothing half-written on a
    refusal."""
    try:
        result = operation()
    except DomainError as error:
        discard_changes()
        if refused is not None:
            refused(error)
        flash(failure(error) if failure is not None else error.message, "error")
    else:
        if success:
            flash(success(result) if callable(success) else success, "success")
    return redirect(back)


def run_form(
    form: FlaskForm | None,
    operation: Callable[[], Any],
    *,
    back: str | Callable[[Any], str] | None = None,
    success: str | Callable[[Any], str] | None = None,
    refused: Callable[[DomainError], Any] | None = None,
    answer: Callable[[Any], Any] | None = None,
) -> Any:
    """A submitted form's whole life after its page: validate ``form``, run the operation, say so and go to
    ``back`` (both may be worded from the operation's result; ``answer(result)`` instead of going back
    gives a page of its own). A DomainError forgets what the operation did and puts its reasons on the
    form's fields; then ``refused(error)`` answers, or, when it gives None (or there is none), None tells
    the caller to show the page again with the form's errors (422). None too when the form does not
    validate. ``form`` None: the caller has validated its forms itself and the reasons go to ``refused``.
    The request's transaction (``tender.web.transactions``) commits or rolls back by the answer's status."""
    if form is not None and not form.validate_on_submit():
        return None
    try:
        result = operation()
    except DomainError as error:
        discard_changes()
        if form is not None:
            put_reasons_on_form(form, error)
        return refused(error) if refused is not None else None
    if success:
        flash(success(result) if callable(success) else success, "success")
    if answer is not None:
        return answer(result)
    assert back is not None, "run_form needs back or answer"
    return redirect(back(result) if callable(back) else back)

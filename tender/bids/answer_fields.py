"""The answer fields of the vendor's bid page, written out directly (issue 17, point 4).

At 2 000 requirements the page has 10 000 fields. Rendering them as 2 000 WTForms forms through the
``field`` macro of ``_macros.html`` took 1.3–1.5 s of CPU; this module writes exactly the same HTML (byte
for byte: tests/test_bid_page_fields.py renders both and compares) from plain values, with the labels,
hints and choice lists looked up once per page instead of once per field. The forms in tender/bids/forms.py
still validate what is posted; this is only their rendering.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from markupsafe import Markup, escape

from tender.bids.forms import AnswerForm, ChoiceAnswerForm, NumberAnswerForm, TextAnswerForm
from tender.core import spec as core_spec
from tender.i18n import translated

#: the answer's own field name for each kind of answer form
CHOICE, VALUE = "choice", "value"


@dataclass
class AnswerRow:
    """What one requirement's fields show: each field's value as it is rendered, and its errors."""

    values: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)


def row_from_stored(answer: Any | None) -> AnswerRow:
    """The row of a stored answer (None: not answered yet), as the GET of the page shows it."""
    if answer is None:
        return AnswerRow(
            {
                "answer": "",
                "description": "",
                "documentation_ref": "",
                "reservation": False,
                "reservation_text": "",
            }
        )
    return AnswerRow(
        {
            "answer": answer.fulfilled or "",
            "description": answer.description or "",
            "documentation_ref": answer.documentation_ref or "",
            "reservation": bool(answer.reservation),
            "reservation_text": answer.reservation_text or "",
        }
    )


def row_from_form(form: AnswerForm) -> AnswerRow:
    """The row of a posted form (a refused draft shows what was typed, with the errors)."""
    own = form.choice if isinstance(form, ChoiceAnswerForm) else form.value  # type: ignore[attr-defined]
    answer = own.data if isinstance(form, ChoiceAnswerForm) else own._value()
    return AnswerRow(
        {
            "answer": answer,
            "description": form.description._value(),
            "documentation_ref": form.documentation_ref._value(),
            "reservation": bool(form.reservation.data),
            "reservation_text": form.reservation_text._value(),
        },
        {
            "answer": list(own.errors),
            "description": list(form.description.errors),
            "documentation_ref": list(form.documentation_ref.errors),
            "reservation": list(form.reservation.errors),
            "reservation_text": list(form.reservation_text.errors),
        },
    )


class _Texts:
    """The page's labels, hints and choice lists, each translated once."""

    def __init__(self) -> None:
        # the labels are the forms' own (lazy_gettext), read off their unbound fields
        self.choice = escape(str(ChoiceAnswerForm.choice.args[0]))
        self.text_value = escape(str(TextAnswerForm.value.args[0]))
        self.number_value = escape(str(NumberAnswerForm.value.args[0]))
        self.description = escape(str(AnswerForm.description.args[0]))
        self.documentation_ref = escape(str(AnswerForm.documentation_ref.args[0]))
        self.reservation = escape(str(AnswerForm.reservation.args[0]))
        self.reservation_text = escape(str(AnswerForm.reservation_text.args[0]))
        # the same messages as the template had (kept there as _() before; the catalogue has them)
        self.short_hint = escape(gettext("Kort svar; forklar gjerne mer i beskrivelsen."))
        self.number_hint = gettext("Et tall")
        self.number_example = gettext(", f.eks. 1 250,5")
        self.reservation_hint = escape(gettext("Fylles ut når du tar forbehold."))
        self.no_choice = escape(gettext("– velg –"))
        self._options: dict[tuple[str, ...], list[tuple[Markup, Markup]]] = {}

    def options(self, choices: tuple[str, ...]) -> list[tuple[Markup, Markup]]:
        found = self._options.get(choices)
        if found is None:
            found = [("", self.no_choice)] + [(escape(c), escape(translated(c))) for c in choices]
            self._options[choices] = found
        return found


def _errors(fid: str, errors: list[str]) -> str:
    items = "".join(f"<li>{escape(translated(e))}</li>" for e in errors)
    return f'  <ul class="errors" id="{fid}-err">{items}</ul>\n'


def _aria(fid: str, errors: list[str], hint: bool) -> str:
    if errors:
        return f'aria-describedby="{fid}-err" aria-invalid="true" '
    if hint:
        return f'aria-describedby="{fid}-hint" '
    return ""


def _wrap(fid: str, label: Markup, control: str, errors: list[str], hint: Any) -> str:
    """The ``field`` macro of _macros.html around a control that comes after its label."""
    out = [
        f'<div class="field{" has-error" if errors else ""}">\n',
        f'    <label for="{fid}">{label}</label>\n',
        f"    {control}\n",
    ]
    if hint:
        out.append(f'<small id="{fid}-hint" class="hint">{escape(hint)}</small>')
    if errors:
        out.append(_errors(fid, errors))
    out.append("</div>\n")
    return "".join(out)


def _text_input(fid: str, value: str, maxlength: int, aria: str, disabled: str) -> str:
    return (
        f'<input {aria}{disabled}id="{fid}" maxlength="{maxlength}" name="{fid}" type="text" '
        f'value="{escape(value)}">'
    )


def _textarea(fid: str, value: str, maxlength: int, aria: str, disabled: str) -> str:
    # WTForms' TextArea widget starts the content on a new line (\r\n), which the browser drops
    return (
        f'<textarea {aria}{disabled}id="{fid}" maxlength="{maxlength}" name="{fid}">'
        f"\r\n{escape(value)}</textarea>"
    )


def render_answer_fields(
    requirements: Iterable[core_spec.Requirement], rows: Mapping[str, AnswerRow], *, disabled: bool
) -> dict[str, Markup]:
    """Each requirement's answer fields (its answer, description, reference, reservation and its text) as the
    page shows them, by requirement id."""
    t = _Texts()
    off = "disabled " if disabled else ""
    out: dict[str, Markup] = {}
    for req in requirements:
        row = rows[req.id]
        v, errs = row.values, row.errors
        p = f"a-{req.id}"
        parts = []
        e = errs.get("answer", [])
        if req.answer_form.choices:
            fid = f"{p}-choice"
            chosen = escape(v["answer"] or "")
            options = "".join(
                f'<option selected value="{value}">{label}</option>'
                if value == chosen
                else f'<option value="{value}">{label}</option>'
                for value, label in t.options(tuple(req.answer_form.choices))
            )
            control = f'<select {_aria(fid, e, False)}{off}id="{fid}" name="{fid}">{options}</select>'
            parts.append(_wrap(fid, t.choice, control, e, None))
        else:
            fid = f"{p}-value"
            if req.answer_form is core_spec.AnswerForm.TALL:
                label = t.number_value
                hint = t.number_hint + (" (" + str(req.unit) + ")" if req.unit else "") + t.number_example
            else:
                label, hint = t.text_value, t.short_hint
            control = _text_input(fid, v["answer"], 200, _aria(fid, e, True), off)
            parts.append(_wrap(fid, label, control, e, hint))
        parts.append("    ")
        fid = f"{p}-description"
        e = errs.get("description", [])
        parts.append(
            _wrap(
                fid,
                t.description,
                _textarea(fid, v["description"], 20_000, _aria(fid, e, False), off),
                e,
                None,
            )
        )
        fid = f"{p}-documentation_ref"
        e = errs.get("documentation_ref", [])
        control = _text_input(fid, v["documentation_ref"], 300, _aria(fid, e, False), off)
        parts.append(_wrap(fid, t.documentation_ref, control, e, None))
        fid = f"{p}-reservation"
        e = errs.get("reservation", [])
        checked = "checked " if v["reservation"] else ""
        box = f'<input {_aria(fid, e, False)}{checked}{off}id="{fid}" name="{fid}" type="checkbox" value="y">'
        parts.append(
            f'<div class="field check{" has-error" if e else ""}">\n'
            f'    {box} <label for="{fid}">{t.reservation}</label>\n'
            + (_errors(fid, e) if e else "")
            + "</div>\n"
        )
        fid = f"{p}-reservation_text"
        e = errs.get("reservation_text", [])
        control = _textarea(fid, v["reservation_text"], 5_000, _aria(fid, e, True), off)
        parts.append(_wrap(fid, t.reservation_text, control, e, t.reservation_hint))
        out[req.id] = Markup("".join(parts))
    return out

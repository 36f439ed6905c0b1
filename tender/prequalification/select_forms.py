"""The selection's forms: the decision on a tie at the cut-off and the lead's proposal of the invited set.
The municipalities' approval uses the specification's decision form (tender.requirements.forms.DecisionForm):
the same choice, comment and hash, bound here to the proposal's SHA-256."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget


class TieForm(FlaskForm):
    """The order of the requests tied at the cut-off (each order offered as a choice) and why."""

    order = SelectField(
        "Rekkefølge (den første står foran)",
        choices=[],
        validate_choice=True,
        validators=[DataRequired("Velg rekkefølgen.")],
    )
    reason = TextAreaField(
        "Begrunnelse for rekkefølgen",
        validators=[
            DataRequired("Skriv begrunnelsen for rekkefølgen."),
            Length(max=5_000, message="Høyst 5 000 tegn."),
        ],
    )


class ProposalForm(FlaskForm):
    """The requests the lead proposes to invite, prefilled with the top of the ranking."""

    invited = SelectMultipleField(
        "Inviter til å gi tilbud",
        choices=[],
        validate_choice=True,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )

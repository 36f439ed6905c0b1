"""The register's forms: the shape of what is typed. The operations check the values (four digits, a whole
number from 0 up, a number not taken), so the page and the command line refuse alike."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length


class MunicipalityAddForm(FlaskForm):
    name = StringField("Navn", validators=[Length(max=100, message="Navnet kan ha høyst 100 tegn.")])
    kommunenummer = StringField(
        "Kommunenummer", validators=[Length(max=20, message="Kommunenummeret har fire sifre.")]
    )
    population = StringField(
        "Innbyggertall", validators=[Length(max=30, message="Innbyggertallet er et helt tall.")]
    )


class MunicipalityChangeForm(FlaskForm):
    name = StringField("Navn", validators=[Length(max=100, message="Navnet kan ha høyst 100 tegn.")])
    population = StringField(
        "Innbyggertall", validators=[Length(max=30, message="Innbyggertallet er et helt tall.")]
    )

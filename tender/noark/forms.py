"""Forms for Noark 5 samples: the upload, and linking a minstekrav to the validation result."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from tender.web.forms import TranslatedForm


class UploadForm(TranslatedForm):
    file = FileField(
        lazy_gettext("Prøveuttrekk (.zip, .tar, .tar.gz eller .xml) – Sample extract"),
        validators=[FileRequired(lazy_gettext("Velg en fil."))],
    )


class LinkForm(FlaskForm):
    """The lead picks a minstekrav; the choices (SelectChoice) come from the specification, set by the view.
    The operation checks the choice (so the message is ours, in Norwegian, not WTForms' English one)."""

    requirement = SelectField("Minstekrav", choices=[], validate_choice=False)

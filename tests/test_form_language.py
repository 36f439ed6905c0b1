"""WTForms' own validation messages reach people in bokmål, not English (issue 11, point 5: "Not a valid
choice")."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict


def test_a_refused_choice_and_a_missing_field_are_explained_in_norwegian(app) -> None:
    from tender.evaluation.forms import CheckForm, ScoreForm

    with app.test_request_context(method="POST"):
        check = CheckForm(formdata=MultiDict({"status": "kanskje"}), meta={"csrf": False})
        assert not check.validate()
        assert check.status.errors == ["Ikke et gyldig valg"]
        score = ScoreForm(
            formdata=MultiDict({"score": "1" * 11, "justification": "Fordi."}), meta={"csrf": False}
        )
        assert not score.validate()
        assert score.score.errors == ["Feltet kan ikke være lenger enn 10 tegn."]

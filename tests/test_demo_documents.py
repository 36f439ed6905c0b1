"""The demo's tender documents (issue 13 point 1): ``publish_documents`` assembles and publishes them through
the documents' operations on the demo tender, at the ``published`` stage and after ``scored``."""

from __future__ import annotations

import re
import subprocess

import pytest

from tender.documents.models import DocumentKind


def _text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=data, capture_output=True, timeout=60, check=True
    )
    return re.sub(r"\s+", " ", done.stdout.decode("utf-8"))


@pytest.mark.parametrize("stage", ["published", "scored"])
def test_the_demo_publishes_its_documents_as_one_hashed_version(app, db, stage) -> None:
    from tender.core.scoring.methods import PRICE_METHODS
    from tender.demo.documents import publish_documents
    from tender.demo.stages import build_stage
    from tender.documents import operations as ops
    from tender.evaluation_model.operations import model_of
    from tender.web.transactions import transaction

    tender = build_stage(stage)
    with transaction():
        publish_documents(tender)
    version = ops.current_version(tender)
    assert version is not None and version.number == 1 and not version.is_correction
    documents = ops.documents_of(version)
    assert version.content_sha256 == ops.content_hash(documents)
    labels = {d.kind: d.label for d in documents}
    assert labels == {
        DocumentKind.INVITATION: "Konkurransebestemmelser",
        DocumentKind.SPECIFICATION: "Bilag 1 Kundens kravspesifikasjon",
        DocumentKind.ANSWER_FORM: "Svarskjema for kravspesifikasjonen (Excel)",
        DocumentKind.CONTRACT: "SSA-K Kjøpsavtalen",
        DocumentKind.PRICE_SCHEDULE: "Bilag 7 Pris og prisbestemmelser",
        DocumentKind.QUALIFICATION: "Kvalifikasjonskrav",
        DocumentKind.AWARD_CRITERIA: "Tildelingskriterier og prismodell",
    }
    award = next(d for d in documents if d.kind is DocumentKind.AWARD_CRITERIA)
    method = PRICE_METHODS[model_of(tender).price_method]
    assert f"Formel: {method.formula}" in _text(award.data)
    assert "som konkurranse med forhandling" in _text(documents[0].data)
    # a second call leaves the published set as it is
    with transaction():
        publish_documents(tender)
    assert ops.current_version(tender) is version and len(ops.versions_of(tender)) == 1

"""Reading arkivuttrekk.xml: version, period, flags, files, checksums and counts."""

from __future__ import annotations

import datetime as dt

import pytest

from tender.core.noark.addml import read_addml, resolve_version
from tender.core.noark.safexml import parse_small

from .official import SAMPLES


def _read(sample: str, path: str = "arkivuttrekk.xml"):
    return read_addml(parse_small((SAMPLES / sample / path).read_bytes()), path)


@pytest.mark.parametrize(
    ("stated", "version", "understood"),
    [
        ("3.1", "3.1", True),
        ("4.0", "4.0", True),
        ("5.0", "5.0", True),
        (" 5.0 ", "5.0", True),
        ("5.5", "5.0", True),
        ("5.5.0", "5.0", True),
        ("3.0", "5.0", False),
        ("6.0", "5.0", False),
        ("", "5.0", False),
        (None, "5.0", False),
    ],
)
def test_the_stated_version_decides_the_schemas_and_anything_unknown_falls_back_to_v5(
    stated: str | None, version: str, understood: bool
) -> None:
    assert resolve_version(stated) == (version, understood)


def test_the_synthetic_description_is_read_by_property_name() -> None:
    addml = _read("SYNTHETIC_v5_0_minimal")
    assert addml.noark_type == "Noark 5" and addml.stated_version == "5.0"
    assert (addml.period_start, addml.period_end) == (dt.date(2020, 1, 1), dt.date(2023, 12, 31))
    assert addml.sharp_separation
    assert addml.document_count == 3
    assert addml.flags["inneholderSkjermetInformasjon"] is False
    assert addml.record_creators == ("Testkommune",)
    assert [o.name for o in addml.data_objects] == [
        "arkivstruktur",
        "endringslogg",
        "loependeJournal",
        "offentligJournal",
    ]
    arkiv = addml.data_object("arkivstruktur")
    assert arkiv is not None and arkiv.file is not None
    assert arkiv.file.name == "arkivstruktur.xml"
    assert arkiv.file.checksum is not None and arkiv.file.checksum.algorithm == "SHA-256"
    assert [s.file.name for s in arkiv.schemas] == ["arkivstruktur.xsd", "metadatakatalog.xsd"]
    assert arkiv.schemas[0].main and not arkiv.schemas[1].main
    assert addml.count_for("arkivstruktur", "mappe") is not None
    assert addml.count_for("arkivstruktur", "mappe").value == 3  # type: ignore[union-attr]


def test_a_second_listing_of_metadatakatalog_may_come_without_checksum() -> None:
    addml = _read("SYNTHETIC_v5_0_minimal")
    endringslogg = addml.data_object("endringslogg")
    assert endringslogg is not None
    assert endringslogg.schemas[1].file.name == "metadatakatalog.xsd"
    assert endringslogg.schemas[1].file.checksum is None


def test_soft_separation_is_not_sharp_and_skarp_without_t_is() -> None:
    assert not _read("kdrs_uttrekk1", "n5uttrekk/arkivuttrekk.xml").sharp_separation
    assert _read("arkade5_StructureValidation_custom_VSM").sharp_separation  # written "skarp"


def test_vsm_schemas_are_listed_as_extra_schemas_of_arkivstruktur() -> None:
    arkiv = _read("arkade5_StructureValidation_custom_VSM").data_object("arkivstruktur")
    assert arkiv is not None
    assert "vsmd.xsd" in [s.file.name for s in arkiv.schemas]

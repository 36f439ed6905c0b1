"""A large synthetic v5.0 extract for memory and speed measurements, built from the valid sample.

Usage: ``.venv/bin/python -m tests.core.noark.bigextract TARGET_DIR FOLDERS [BREAK_EVERY] [--one-line]``
(about 2.7 kB per folder; 400 000 folders give a 1 GB arkivstruktur.xml). The extract is valid: fresh UUIDs,
correct counts and checksums in arkivuttrekk.xml (soft period separation, since the journals stay the
sample's); every folder's document points at one of the sample's three files.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
import uuid
from pathlib import Path

from .official import SAMPLES

MINIMAL = SAMPLES / "SYNTHETIC_v5_0_minimal"
_SEQUENCE = re.compile(r"<(sakssekvensnummer|journalsekvensnummer)>\d+</\1>")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def build(target: Path, folders: int, break_every: int = 0, one_line: bool = False) -> Path:
    """Write the extract into ``target`` and return it. ``break_every`` > 0 drops the mandatory tittel of
    every n-th folder (a schema error each); ``one_line`` writes arkivstruktur.xml without a single line
    break (the sample has line breaks only between elements, so the content is unchanged)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("dokumenter", "endringslogg.xml", "loependeJournal.xml", "offentligJournal.xml"):
        src = MINIMAL / name
        if src.is_dir():
            shutil.copytree(src, target / name, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, target / name)
    text = (MINIMAL / "arkivstruktur.xml").read_text(encoding="utf-8")
    blocks = re.findall(r'    <mappe xsi:type="saksmappe">.*?</mappe>\n', text, re.S)
    head = text[: text.index(blocks[0])]
    tail = text[text.index(blocks[-1]) + len(blocks[-1]) :]
    sha = hashlib.sha256()
    with (target / "arkivstruktur.xml").open("wb") as out:

        def write(s: str) -> None:
            data = (s.replace("\r\n", "").replace("\n", "") if one_line else s).encode("utf-8")
            sha.update(data)
            out.write(data)

        write(head)
        for i in range(folders):
            # the first folders keep their systemIDs: the change log refers to them
            block = (
                blocks[i]
                if i < len(blocks)
                else _UUID.sub(lambda _m: str(uuid.uuid4()), blocks[i % len(blocks)])
            )
            if i >= len(blocks):
                # case and journal numbers stay unique, as in a real archive (N5V-CONTENT-24)
                block = _SEQUENCE.sub(rf"<\1>{i + 1}</\1>", block)
            if break_every and i % break_every == 0:
                block = re.sub(r"     <tittel>Sak \d</tittel>\n", "", block, count=1)
            write(block)
        write(tail)
    addml = (MINIMAL / "arkivuttrekk.xml").read_text(encoding="utf-8")
    original = hashlib.sha256((MINIMAL / "arkivstruktur.xml").read_bytes()).hexdigest()
    addml = addml.replace(original, sha.hexdigest())
    for element in ("mappe", "registrering"):
        addml = addml.replace(
            (
                f"<value>//{element}</value></property>"
                '<property dataType="integer" name="value"><value>3</value>'
            ),
            (
                f"<value>//{element}</value></property>"
                f'<property dataType="integer" name="value"><value>{folders}</value>'
            ),
        )
    # soft period separation: the sample's journals list three records, the big extract has more
    addml = addml.replace("<value>skarpt</value>", "<value>mykt</value>")
    (target / "arkivuttrekk.xml").write_text(addml, encoding="utf-8")
    for name in (
        "arkivstruktur.xsd",
        "metadatakatalog.xsd",
        "endringslogg.xsd",
        "loependeJournal.xsd",
        "offentligJournal.xsd",
        "addml.xsd",
    ):
        shutil.copyfile(MINIMAL / name, target / name)
    return target


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--one-line"]
    build(
        Path(args[0]), int(args[1]), int(args[2]) if len(args) > 2 else 0, one_line="--one-line" in sys.argv
    )

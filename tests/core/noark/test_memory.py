"""Memory stays flat however large arkivstruktur.xml is: nothing is kept per element."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .bigextract import build

REPO = Path(__file__).resolve().parents[3]
#: the measuring process's own peak resident memory in MiB. Not ``ru_maxrss``: Linux carries it over from the
#: forked parent across exec, so it reported the pytest process's size (above 200 MiB once the whole suite is
#: collected) instead of the validator's; ``VmHWM`` starts afresh with the new program.
PEAK = """
def peak_mib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) // 1024
"""

MEASURE = (
    PEAK
    + """
import sys
from pathlib import Path
from tender.core.noark.validator import validate_path
report = validate_path(Path(sys.argv[1]))
print(report.valid, report.statistics["arkivstruktur"]["levels"]["mappe"],
      peak_mib())
"""
)


def _peak_mib(extract: Path) -> tuple[bool, int, int]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(extract)], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0] == "True", int(out[1]), int(out[2])


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_the_file_and_stays_under_200_mib(tmp_path: Path) -> None:
    small_valid, small_folders, small_peak = _peak_mib(build(tmp_path / "small", 2_000))
    big_valid, big_folders, big_peak = _peak_mib(build(tmp_path / "big", 40_000, break_every=97))
    assert small_valid and (small_folders, big_folders) == (2_000, 40_000)
    assert not big_valid  # every 97th folder lacks its title: hundreds of schema errors, all collected
    assert big_peak < 200
    # a file twenty times larger costs far less than twenty times the memory
    assert big_peak < small_peak + 60


ONE_LINE = (
    PEAK
    + """
import sys
from pathlib import Path
from tender.core.noark.validator import iter_findings, validate_path
report = validate_path(Path(sys.argv[1]))
lines = {f.line for f in iter_findings(report) if f.file == "arkivstruktur.xml" and f.line is not None}
missing_title = sum(1 for f in iter_findings(report) if f.file == "arkivstruktur.xml" \
and f.element == "tittel")
print(report.valid, missing_title, sorted(lines), peak_mib())
"""
)


@pytest.mark.slow
def test_a_file_without_a_single_line_break_is_streamed_in_flat_memory_with_every_error(
    tmp_path: Path,
) -> None:
    extract = build(tmp_path / "one-line", 20_000, break_every=97, one_line=True)
    assert b"\n" not in (extract / "arkivstruktur.xml").read_bytes()
    out = subprocess.run(
        [sys.executable, "-c", ONE_LINE, str(extract)], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=2)
    valid, missing_title = out[0] == "True", int(out[1])
    lines_and_peak = out[2].rsplit(maxsplit=1)
    assert not valid
    assert missing_title == len(range(0, 20_000, 97))  # every planted error reported, none lost
    assert lines_and_peak[0] == "[1]"  # all on line 1, as they are
    assert int(lines_and_peak[1]) < 200

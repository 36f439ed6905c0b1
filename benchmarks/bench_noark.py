"""How fast and how lean is the Noark 5 validator on a large extract, against xmllint and sha256sum?

    .venv/bin/python benchmarks/bench_noark.py [--only file|extract] [--size 100MB|1GB|<n>MB]
        [--file-size 100MB|1GB] [--repeat N] [--regenerate]

Two parts, each judged against the issue's targets (time within 1.5× of the plain tools, peak RSS under
200 MB), both measured the same way: ``--repeat`` pairs of (reference, validator) run in turn, the median
of the per-pair wall-time ratios and the largest peak RSS; each prints "met" or "NOT MET":

- the big file: an extract whose arkivstruktur.xml is ``--file-size``, against
  ``xmllint --stream --schema`` on that file;
- the whole extract (``--size``): against xmllint on every XML file with its schema plus ``sha256sum``
  on every file.

1. Generates (once; cached under benchmarks/out/, git-ignored) a synthetic, valid Noark 5 v5.0
   extract of about ``--size`` bytes with tests/noark_generator.py: half arkivstruktur.xml, half
   document files (PDFs of 256 KiB), plus arkivuttrekk.xml and endringslogg.xml.
2. Measures, each in a fresh subprocess, wall time and peak memory (the RSS high-water mark of that
   one child, from ``resource.getrusage(RUSAGE_CHILDREN)`` in a small measuring process):
   - the references: ``xmllint --stream --noout --schema`` with the official v5.0 schemas (and ADDML
     8.3) from ../shared/noark5/xsd (skipped, with a note, if absent), plus ``sha256sum``;
   - our validator: ``tender.core.noark.validator.validate_path(path)`` on the extract folder
     (reported as missing if that module or function does not exist yet);
   - hashing the document files: ``ExtractSource.hash_files`` on the folder and on a tar of the
     extract, against ``sha256sum`` and ``cat > /dev/null`` over the same files.
3. Prints throughput (MB/s) and ratios against the references. The page cache is warmed first, so the
   figures are CPU figures, not disk figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

OUT = REPO / "benchmarks" / "out"
OFFICIAL_XSD = REPO.parent / "shared" / "noark5" / "xsd" / "v5.0" / "arkivstruktur.xsd"
ADDML_XSD = REPO.parent / "shared" / "noark5" / "xsd" / "addml" / "addml_v8.3.xsd"
#: bump when the generator's output changes, so that cached extracts are rebuilt
GENERATOR_VERSION = 2
DOCUMENT_SIZE = 256 * 1024
REGISTRERINGER_PER_MAPPE = 3
FILE_DOCUMENTS = 200
#: the issue's targets for the big-file run
TIME_TARGET = 1.5  #: × xmllint --stream --schema on the same file, wall time
RSS_TARGET = 200 * 1_000_000
MB = 1_000_000


# --------------------------------------------------------------------------- sizes and the extract


def parse_size(text: str) -> int:
    """'100MB', '1GB', '250mb', '5000000' -> bytes (decimal units, as du -h --si and MB/s use)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*", text.lower())
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 100MB or 1GB)")
    number, unit = float(match.group(1)), match.group(2).rstrip("b")
    return int(number * {"": 1, "k": 1_000, "m": MB, "g": 1_000 * MB}[unit])


def label(size: int) -> str:
    return f"{size // (1000 * MB)}GB" if size % (1000 * MB) == 0 else f"{size // MB}MB"


def extract_for(size: int, regenerate: bool) -> Path:
    """The cached extract of about ``size`` bytes, generated if missing or stale."""
    from tests.noark_generator import generate_extract

    root = OUT / f"extract-{label(size)}"
    marker = root / ".generated.json"
    wanted = {"version": GENERATOR_VERSION, "size": size, "document_size": DOCUMENT_SIZE}
    if not regenerate and marker.is_file() and json.loads(marker.read_text()) == wanted:
        return root
    shutil.rmtree(root, ignore_errors=True)
    n_mapper = _mapper_for(size // 2)  # half XML, half documents
    n_documents = max(1, (size // 2) // DOCUMENT_SIZE)
    print(f"generating {label(size)}: {n_mapper} mapper, {n_documents} document files ...", flush=True)
    started = time.perf_counter()
    info = generate_extract(
        root,
        n_mapper,
        REGISTRERINGER_PER_MAPPE,
        max_dokumentfiler=n_documents,
        document_size=DOCUMENT_SIZE,
        journaler=True,
        seed=2024,
    )
    print(f"  {info.total_bytes() / MB:.0f} MB in {time.perf_counter() - started:.0f} s", flush=True)
    marker.write_text(json.dumps(wanted))  # written last: a half-generated extract is never reused
    return root


def _mapper_for(xml_bytes: int, journaler: bool = True) -> int:
    """How many mapper make about ``xml_bytes`` of XML (arkivstruktur, and the journals if ``journaler``),
    calibrated on a small extract."""
    from tests.noark_generator import generate_extract

    with tempfile.TemporaryDirectory() as tmp:
        sample = generate_extract(
            Path(tmp) / "x", 200, REGISTRERINGER_PER_MAPPE, dokumenter=False, journaler=journaler
        )
        per_mappe = sum(p.stat().st_size for p in sample.root.glob("*.xml")) / 200
    return max(1, int(xml_bytes / per_mappe))


def big_file_extract_for(size: int, regenerate: bool) -> Path:
    """The cached extract whose arkivstruktur.xml is about ``size`` bytes: no journals, and document files
    (64 KiB each) only for the first FILE_DOCUMENTS registreringer, so that the one big file is the work."""
    from tests.noark_generator import generate_extract

    root = OUT / f"arkivstruktur-{label(size)}"
    marker = root / ".generated.json"
    wanted = {"version": GENERATOR_VERSION, "arkivstruktur": size, "documents": FILE_DOCUMENTS}
    if not regenerate and marker.is_file() and json.loads(marker.read_text()) == wanted:
        return root
    shutil.rmtree(root, ignore_errors=True)
    n_mapper = _mapper_for(size, journaler=False)
    print(f"generating an arkivstruktur.xml of {label(size)}: {n_mapper} mapper ...", flush=True)
    started = time.perf_counter()
    generate_extract(
        root,
        n_mapper,
        REGISTRERINGER_PER_MAPPE,
        max_dokumentfiler=FILE_DOCUMENTS,
        document_size=64 * 1024,
        journaler=False,
        seed=2025,
    )
    print(
        f"  {(root / 'arkivstruktur.xml').stat().st_size / MB:.0f} MB "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    marker.write_text(json.dumps(wanted))
    return root


def tar_of(root: Path) -> Path:
    """A cached plain tar of the extract, for hashing straight from an archive stream."""
    path = root.parent / f"{root.name}.tar"
    if not path.is_file() or path.stat().st_mtime < (root / ".generated.json").stat().st_mtime:
        with tarfile.open(path.with_suffix(".part"), "w") as tf:
            tf.add(root, arcname=root.name)
        path.with_suffix(".part").rename(path)
    return path


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    name: str
    wall: float  #: seconds
    max_rss: int  #: bytes, from getrusage(RUSAGE_CHILDREN) of the measuring process
    returncode: int
    output: str  #: the tail of stdout + stderr
    cpu: float  #: user + system seconds of the child, from getrusage(RUSAGE_CHILDREN)
    inner_wall: float | None = None  #: seconds the child timed itself, without interpreter start-up
    inner_cpu: float | None = None  #: CPU seconds of that same span
    time_rss: int | None = None  #: bytes, from GNU time's %M, where /usr/bin/time is GNU time
    best_wall: float | None = None  #: the shortest work_wall over the repeats

    @property
    def work_wall(self) -> float:
        """Wall seconds of the work itself: the child's own figure where it reports one."""
        return self.inner_wall if self.inner_wall is not None else self.wall

    @property
    def work_cpu(self) -> float:
        """CPU seconds of the work itself: the child's own figure where it reports one.

        CPU time, not wall time, is what the ratios use: on a shared machine wall time swings with
        the other processes' load, CPU time hardly does.
        """
        return self.inner_cpu if self.inner_cpu is not None else self.cpu


# Linux counts the RSS a child had between fork and exec (the measurer's own pages) in ru_maxrss,
# so a process smaller than the measurer reads as the measurer's size: the "floor" printed below.
# GNU time, a much smaller process, is used alongside where present to see below that floor.
_MEASURER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # this process has had exactly one child
print(json.dumps({"wall": wall, "max_rss_kib": usage.ru_maxrss, "rc": done.returncode,
                  "cpu": usage.ru_utime + usage.ru_stime,
                  "output": done.stdout.decode("utf-8", "replace")[-4000:]}))
"""


def _gnu_time() -> list[str]:
    try:
        done = subprocess.run(["/usr/bin/time", "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return []
    if "GNU" not in done.stdout + done.stderr:
        return []
    return ["/usr/bin/time", "-f", "GNU_TIME_MAXRSS_KIB=%M"]


GNU_TIME = _gnu_time()


def measure(name: str, argv: list[str], repeat: int) -> Run:
    """Best of ``repeat`` runs of ``argv``, each in a fresh measuring process."""
    best: Run | None = None
    best_wall: float | None = None
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", _MEASURER, *GNU_TIME, *argv], capture_output=True, text=True, check=True
        )
        data = json.loads(done.stdout.strip().splitlines()[-1])
        inner = re.search(r"^INNER_SECONDS=([\d.]+) CPU=([\d.]+)$", data["output"], re.MULTILINE)
        time_rss = re.search(r"^GNU_TIME_MAXRSS_KIB=(\d+)$", data["output"], re.MULTILINE)
        run = Run(
            name,
            data["wall"],
            data["max_rss_kib"] * 1024,
            data["rc"],
            data["output"],
            data["cpu"],
            float(inner.group(1)) if inner else None,
            float(inner.group(2)) if inner else None,
            int(time_rss.group(1)) * 1024 if time_rss else None,
        )
        if best is None or run.work_cpu < best.work_cpu:
            best = run
        best_wall = run.work_wall if best_wall is None else min(best_wall, run.work_wall)
    assert best is not None and best_wall is not None
    best.best_wall = best_wall
    return best


def warm_cache(files: list[Path]) -> None:
    """Read everything once so that every measurement sees the same (warm) page cache."""
    for path in files:
        with path.open("rb") as f:
            while f.read(8 * 1024 * 1024):
                pass


# --------------------------------------------------------------------------- child modes


def child_validate(path: Path) -> int:
    from tender.core.noark import validator

    started, cpu = time.perf_counter(), time.process_time()
    report = validator.validate_path(path)
    print(f"INNER_SECONDS={time.perf_counter() - started:.4f} CPU={time.process_time() - cpu:.4f}")
    findings = list(validator.iter_findings(report))
    print(f"validate_path: {type(report).__name__}, {len(findings)} findings")
    for finding in findings[:10]:
        check, severity = getattr(finding, "check", "?"), getattr(finding, "severity", "?")
        print(f"  {check} {severity}: {getattr(finding, 'message_en', finding)}")
    return 0


def child_hash(path: Path, list_file: Path) -> int:
    from tender.core.noark.source import open_extract

    relpaths = list_file.read_text().splitlines()
    started, cpu = time.perf_counter(), time.process_time()
    with open_extract(path) as source:
        digests = source.hash_files(relpaths)
        findings = source.findings
    print(f"INNER_SECONDS={time.perf_counter() - started:.4f} CPU={time.process_time() - cpu:.4f}")
    print(
        f"hashed {len(digests)} files, {sum(d.size for d in digests.values())} bytes, "
        f"{len(findings)} findings"
    )
    return 0 if len(digests) == len(relpaths) else 1


# --------------------------------------------------------------------------- the benchmark


def _extract_bytes(root: Path) -> int:
    """The size of a generated extract (without its marker file)."""
    return (
        sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        - (root / ".generated.json").stat().st_size
    )


def _machine_and_warm_cache(root: Path) -> None:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    warm_cache([p for p in root.rglob("*") if p.is_file()])


def run_benchmark(size: int, repeat: int, regenerate: bool, xsd: Path) -> bool | None:
    """The issue's whole-extract benchmark: ``validate_path`` on an extract of about ``size`` bytes against
    the plain tools doing the least the validator must do (``xmllint --stream --schema`` on every XML file
    with its schema, then ``sha256sum`` on every file). Returns whether both targets are met (None without
    a reference).

    Judged as the big-file part is: ``repeat`` pairs run in turn, each validator run divided by the
    reference run just before it, the median of those ratios against the time target and the largest
    peak RSS against the memory target. Then, for information, xmllint on arkivstruktur.xml alone and
    the document hashing against ``cat`` and ``sha256sum``.
    """
    root = extract_for(size, regenerate)
    arkivstruktur = root / "arkivstruktur.xml"
    every_file = sorted(p for p in root.rglob("*") if p.is_file() and p.name != ".generated.json")
    documents = [p for p in every_file if p.is_relative_to(root / "dokumenter")]
    relpaths = [p.relative_to(root).as_posix() for p in documents]
    xml_bytes = arkivstruktur.stat().st_size
    doc_bytes = sum(p.stat().st_size for p in documents)
    total = _extract_bytes(root)
    print(
        f"\n== whole extract: {root.relative_to(REPO)}: {total / MB:.0f} MB; "
        f"arkivstruktur.xml {xml_bytes / MB:.0f} MB, "
        f"other XML {(total - xml_bytes - doc_bytes) / MB:.0f} MB, "
        f"{len(documents)} document files {doc_bytes / MB:.0f} MB"
    )
    _machine_and_warm_cache(root)
    floor = measure("floor", ["true"], 1)
    print(
        f"peak RSS floor (what `true` reads as): {floor.max_rss / MB:.1f} MB by getrusage"
        + (f", {floor.time_rss / MB:.1f} MB by GNU time" if floor.time_rss else "")
    )
    all_relpaths = [p.relative_to(root).as_posix() for p in every_file]
    pairs: list[tuple[Run | None, Run]] = []
    for _ in range(max(repeat, 1)):
        whole = _whole_reference(root, xsd, all_relpaths, 1)
        ours = measure(
            "tender validate_path (whole extract)",
            [sys.executable, __file__, "--child-validate", str(root)],
            1,
        )
        pairs.append((whole, ours))
        if ours.returncode != 0:
            print(f"validator failed:\n{ours.output}")
            return False
    _print_table(
        [
            (r, total, whole if r is ours else None)
            for whole, ours in pairs
            for r in ([whole] if whole else []) + [ours]
        ]
    )
    met = _judge(pairs, "xmllint on every XML file + sha256sum on every file")

    print("\nfor information (best of the repeats):")
    reference = _xmllint(arkivstruktur, xsd, repeat)
    list_file = OUT / f"{root.name}-documents.txt"
    list_file.write_text("\n".join(relpaths))
    cat = measure(
        "cat > /dev/null (documents)",
        ["sh", "-c", 'cd "$1" && shift && cat -- "$@" > /dev/null', "cat", str(root), *relpaths],
        repeat,
    )
    sha = measure(
        "sha256sum (documents)",
        ["sh", "-c", 'cd "$1" && shift && exec sha256sum -- "$@" > /dev/null', "sha", str(root), *relpaths],
        repeat,
    )
    ours_folder = measure(
        "tender hash_files, folder",
        [sys.executable, __file__, "--child-hash", str(root), str(list_file)],
        repeat,
    )
    tar = tar_of(root)
    warm_cache([tar])
    ours_tar = measure(
        "tender hash_files, from a tar",
        [sys.executable, __file__, "--child-hash", str(tar), str(list_file)],
        repeat,
    )
    _print_table(
        ([(reference, xml_bytes, None)] if reference else [])
        + [
            (cat, doc_bytes, None),
            (sha, doc_bytes, None),
            (ours_folder, doc_bytes, sha),
            (ours_tar, doc_bytes, sha),
        ]
    )
    return met


def _judge(pairs: list[tuple[Run | None, Run]], against: str) -> bool | None:
    """Print and judge the targets over (reference, validator) pairs: the median of the per-pair wall
    ratios within TIME_TARGET, the largest peak RSS of the validator under RSS_TARGET."""
    worst_rss = max(_rss(ours) for _, ours in pairs)
    memory_ok = worst_rss < RSS_TARGET
    print(
        f"peak RSS {worst_rss / MB:.0f} MB (largest of {len(pairs)} runs): "
        f"{'met' if memory_ok else 'NOT MET'} "
        f"(target < {RSS_TARGET / MB:.0f} MB)"
    )
    measured = [(r, o) for r, o in pairs if r is not None]
    if not measured:
        return None
    for i, (r, o) in enumerate(measured, 1):
        print(
            f"pair {i}: reference {r.work_wall:.2f} s wall, {r.work_cpu:.2f} s CPU; validator (timed call) "
            f"{o.work_wall:.2f} s wall, {o.work_cpu:.2f} s CPU, peak RSS {_rss(o) / MB:.0f} MB: "
            f"{o.work_wall / r.work_wall:.2f}× wall, {o.work_cpu / r.work_cpu:.2f}× CPU"
        )
    walls = sorted(o.work_wall / r.work_wall for r, o in measured)
    cpus = sorted(o.work_cpu / r.work_cpu for r, o in measured)
    wall_ratio, cpu_ratio = walls[len(walls) // 2], cpus[len(cpus) // 2]
    print(
        f"time, each run against the {against} run just before it: "
        f"{', '.join(f'{w:.2f}×' for w in walls)} wall; "
        f"median {wall_ratio:.2f}×: {'met' if wall_ratio <= TIME_TARGET else 'NOT MET'} "
        f"(target {TIME_TARGET}×)\n"
        f"CPU: {', '.join(f'{c:.2f}×' for c in cpus)}; median {cpu_ratio:.2f}× "
        "(libxml2 parses and validates on one "
        "core while the Python checks run on the other)"
    )
    return memory_ok and wall_ratio <= TIME_TARGET


def run_file_benchmark(size: int, repeat: int, regenerate: bool, xsd: Path) -> bool | None:
    """The issue's benchmark: the validator on an extract whose arkivstruktur.xml is ``size`` bytes,
    against ``xmllint --stream --schema`` on that same file. Returns whether both targets are met
    (None without a reference).

    The two run in turn, ``repeat`` pairs: on a shared machine the speed of both drifts together (the
    same xmllint run took 20 s and 31 s an hour apart here), so each pair gives a ratio measured under
    the same conditions, and the median of those ratios is what is judged.
    """
    root = big_file_extract_for(size, regenerate)
    arkivstruktur = root / "arkivstruktur.xml"
    xml_bytes = arkivstruktur.stat().st_size
    print(
        f"\n== big file: {root.relative_to(REPO)}: arkivstruktur.xml {xml_bytes / MB:.0f} MB "
        f"(whole extract {_extract_bytes(root) / MB:.0f} MB with {FILE_DOCUMENTS} document files)"
    )
    _machine_and_warm_cache(root)
    pairs: list[tuple[Run | None, Run]] = []
    for _ in range(max(repeat, 1)):
        reference = _xmllint(arkivstruktur, xsd, 1)
        ours = measure(
            "tender validate_path (the extract)", [sys.executable, __file__, "--child-validate", str(root)], 1
        )
        pairs.append((reference, ours))
        if ours.returncode != 0:
            print(f"validator failed:\n{ours.output}")
            return False
    _print_table(
        [
            (r, xml_bytes, reference if r is ours else None)
            for reference, ours in pairs
            for r in ([reference] if reference else []) + [ours]
        ]
    )
    return _judge(pairs, "xmllint")


def _xmllint(arkivstruktur: Path, xsd: Path, repeat: int) -> Run | None:
    if not shutil.which("xmllint"):
        print("\n*** xmllint not found (Debian: libxml2-utils); no schema-validation reference ***")
        return None
    if not xsd.is_file():
        print(f"\n*** official schema {xsd} not found; no schema-validation reference ***")
        return None
    run = measure(
        "reference: xmllint --stream --schema",
        ["xmllint", "--stream", "--noout", "--schema", str(xsd), str(arkivstruktur)],
        repeat,
    )
    if "validates" not in run.output:
        print(f"note: xmllint did not say 'validates':\n{run.output[-1000:]}")
    return run


def _whole_reference(root: Path, xsd: Path, relpaths: list[str], repeat: int) -> Run | None:
    """xmllint on every XML file with its own schema (arkivuttrekk.xml with ADDML 8.3), then sha256sum on
    every file: the plain-tools floor for the work the validator does on the whole extract (it does far
    more checks). The xmllint runs are joined with ";" so that one file failing does not shorten the
    reference; a file that does not validate is printed as a note."""
    pairs = [(f"{name}.xml", xsd.parent / f"{name}.xsd") for name in XML_FILES]
    if ADDML_XSD.is_file():
        pairs.append(("arkivuttrekk.xml", ADDML_XSD))
    else:
        print(f"note: {ADDML_XSD} not found; the reference leaves arkivuttrekk.xml unvalidated")
    present = [(xml, schema) for xml, schema in pairs if (root / xml).is_file()]
    missing = [str(schema) for _xml, schema in present if not schema.is_file()]
    if missing:
        print(f"note: no whole-extract reference, schemas missing: {missing}")
        return None
    script = "; ".join(
        f'xmllint --stream --noout --schema "{schema}" "{xml}" 2>&1' for xml, schema in present
    )
    argv = [
        "sh",
        "-c",
        f'cd "$1" && shift && {{ {script}; }} && sha256sum -- "$@" > /dev/null',
        "ref",
        str(root),
        *relpaths,
    ]
    run = measure("reference: xmllint all XML + sha256sum", argv, repeat)
    if run.output.count(" validates") != len(present):
        print(f"note: not every XML file validated with xmllint:\n{run.output[-1000:]}")
    return run


XML_FILES = ("arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal")


def _print_table(results: list[tuple[Run, int, Run | None]]) -> None:
    print(
        f"\n{'measurement':<40} {'wall s':>7} {'cpu s':>7} {'MB/s':>6} {'RSS MB':>7} {'(time)':>7} "
        f"{'× cpu':>6} {'× RSS':>6}"
    )
    for run, size, reference in results:
        time_rss = f"{run.time_rss / MB:.1f}" if run.time_rss is not None else ""
        ratio = f"{run.work_cpu / reference.work_cpu:.2f}" if reference else ""
        rss_ratio = f"{_rss(run) / _rss(reference):.1f}" if reference else ""
        flag = "" if run.returncode == 0 else f"  (exit {run.returncode})"
        print(
            f"{run.name:<40} {run.wall:>7.2f} {run.work_cpu:>7.2f} {size / MB / run.work_cpu:>6.0f} "
            f"{run.max_rss / MB:>7.1f} {time_rss:>7} {ratio:>6} {rss_ratio:>6}{flag}"
        )
    print(
        "cpu s: user+system CPU of the work; for our Python children only the timed call "
        "(no interpreter start-up,\n"
        "  no imports). MB/s per CPU second, over what the row reads: arkivstruktur.xml (xmllint), "
        "the whole\n"
        "  extract (whole-extract reference, validator), the document files (hashing).\n"
        "RSS MB: peak RSS from getrusage(RUSAGE_CHILDREN); (time): the same from GNU time, "
        "which sees below the floor.\n"
        "× cpu, × RSS: against the whole-extract reference (validator) or sha256sum (hashing) "
        "on the same files in\n"
        "  the same run; the RSS ratio uses GNU time's figure where there is one."
    )


def _rss(run: Run) -> int:
    return run.time_rss if run.time_rss is not None else run.max_rss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--file-size",
        type=parse_size,
        default=parse_size("100MB"),
        help="size of arkivstruktur.xml for the big-file run, e.g. 100MB or 1GB",
    )
    parser.add_argument(
        "--size",
        type=parse_size,
        default=parse_size("100MB"),
        help="size of the whole extract (XML, journals, documents), e.g. 100MB or 1GB",
    )
    parser.add_argument(
        "--only", choices=("file", "extract"), help="run only the big-file or the whole-extract part"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="pairs (reference, validator) run in turn; the median of their ratios is judged",
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild the cached extract")
    parser.add_argument(
        "--xsd", type=Path, default=OFFICIAL_XSD, help="arkivstruktur.xsd for the xmllint reference"
    )
    parser.add_argument("--child-validate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-hash", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_validate:
        return child_validate(args.child_validate)
    if args.child_hash:
        return child_hash(*args.child_hash)
    OUT.mkdir(parents=True, exist_ok=True)
    verdicts: list[tuple[str, bool | None]] = []
    if args.only != "extract":
        verdicts.append(
            ("big file", run_file_benchmark(args.file_size, args.repeat, args.regenerate, args.xsd))
        )
    if args.only != "file":
        verdicts.append(("whole extract", run_benchmark(args.size, args.repeat, args.regenerate, args.xsd)))
    print()
    for part, met in verdicts:
        verdict = "no reference, not judged" if met is None else ("met" if met else "NOT MET")
        print(
            f"{part} targets (time within {TIME_TARGET}× of the plain tools, "
            f"memory under {RSS_TARGET / MB:.0f} MB): {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

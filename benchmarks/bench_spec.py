"""Benchmark: a 2 000-requirement specification loaded, exported to Excel and rendered to PDF.

Run:  .venv/bin/python benchmarks/bench_spec.py [--requirements 2000] [--repeat 3]

Each step is timed best-of-N and printed next to a reference measured in the same run on the same
data, so the ratio means something on a busy or slow machine where the absolute seconds do not:

    load   load_spec_toml (parse + shape check + business rules)   vs tomllib.loads alone
    excel  export_answer_form (styles, validation, protection)     vs a plain openpyxl workbook, same cells
    import import_spec_workbook (read-only, checks, diff)          vs openpyxl read-only iteration of it
    pdf    render_spec_pdf (two passes, contents, page x of y)     vs a plain canvas text dump, same text

Targets: load, excel and pdf each under 3 s of CPU time. CPU time (time.process_time) is what is
compared, because on a shared machine wall-clock time mostly measures the other processes; wall time
is printed too.
"""

from __future__ import annotations

import argparse
import io
import os
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from tender.core.spec import Specification, content_hash, display_order
from tender.core.spec.samples import generated_spec
from tender.core.spec.toml_format import dump_spec_toml, load_spec_toml
from tender.core.spec.workbook_read import import_spec_workbook
from tender.reports.spec_excel import export_answer_form
from tender.reports.spec_pdf import fonts, render_spec_pdf

TARGET_SECONDS = 3.0


@dataclass(frozen=True)
class Timing:
    cpu: float  #: process CPU seconds: what the step costs, barely moved by other load on the machine
    wall: float


@dataclass(frozen=True)
class Result:
    name: str
    step: Timing
    reference: Timing
    target: float | None

    def line(self) -> str:
        ratio = self.step.cpu / self.reference.cpu if self.reference.cpu else float("inf")
        verdict = "" if self.target is None else ("  OK" if self.step.cpu < self.target else "  OVER TARGET")
        target = f"< {self.target:.1f} s" if self.target else "—"
        return (
            f"{self.name:<7}{self.step.cpu:>8.3f} s{self.step.wall:>9.3f} s"
            f"{self.reference.cpu:>10.3f} s{ratio:>8.1f}×   {target:<8}{verdict}"
        )


def best_of(repeat: int, step: Callable[[], object]) -> Timing:
    """The fastest of ``repeat`` runs: the least disturbed by whatever else the machine is doing."""
    cpu, wall = [], []
    for _ in range(repeat):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        step()
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    return Timing(min(cpu), min(wall))


def plain_workbook(spec: Specification) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for r in display_order(spec):
        sheet.append(
            [
                r.id,
                r.chapter,
                r.number,
                r.chapter,
                r.text,
                r.kind.label,
                r.criterion,
                float(r.weight) if r.weight is not None else None,
                r.answer_form.label,
                r.unit,
                r.documentation,
                r.source,
                "Alle",
            ]
        )
    workbook.save(io.BytesIO())


def read_only_iteration(data: bytes) -> None:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    for sheet in workbook.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            pass
    workbook.close()


def plain_pdf(spec: Specification) -> None:
    font = fonts().regular
    canvas = Canvas(io.BytesIO(), pagesize=A4, invariant=True)
    y = A4[1] - 50
    for requirement in display_order(spec):
        for line in [
            f"{requirement.number} {requirement.id}",
            *simpleSplit(requirement.text, font, 9.5, 480),
        ]:
            if y < 50:
                canvas.showPage()
                y = A4[1] - 50
            canvas.setFont(font, 9.5)
            canvas.drawString(50, y, line)
            y -= 12.5
    canvas.save()


def run(requirements: int, repeat: int) -> list[Result]:
    spec = generated_spec(requirements)
    digest = content_hash(spec)
    text = dump_spec_toml(spec)
    assert content_hash(load_spec_toml(text)) == digest
    options = {"tender_title": "Benchmark", "version_label": "1", "content_hash": digest}
    workbook = io.BytesIO()
    export_answer_form(spec, workbook, **options)
    return [
        Result(
            "load",
            best_of(repeat, lambda: load_spec_toml(text)),
            best_of(repeat, lambda: tomllib.loads(text)),
            TARGET_SECONDS,
        ),
        Result(
            "excel",
            best_of(repeat, lambda: export_answer_form(spec, io.BytesIO(), **options)),
            best_of(repeat, lambda: plain_workbook(spec)),
            TARGET_SECONDS,
        ),
        Result(
            "import",
            best_of(repeat, lambda: import_spec_workbook(workbook.getvalue(), spec)),
            best_of(repeat, lambda: read_only_iteration(workbook.getvalue())),
            None,
        ),
        Result(
            "pdf",
            best_of(
                repeat,
                lambda: render_spec_pdf(spec, io.BytesIO(), case_reference="2025/1", approvals=[], **options),
            ),
            best_of(repeat, lambda: plain_pdf(spec)),
            TARGET_SECONDS,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requirements", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{args.requirements} requirements, best of {args.repeat}, "
        f"load average {load:.2f} on {os.cpu_count()} CPUs"
    )
    print(f"{'step':<7}{'cpu':>10}{'wall':>11}{'ref cpu':>12}{'ratio':>9}   target (on cpu time)")
    for result in run(args.requirements, args.repeat):
        print(result.line())


if __name__ == "__main__":
    main()

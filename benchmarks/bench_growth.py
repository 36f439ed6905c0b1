"""Growth: does every page stay fast at 2 000 requirements and 47 municipalities (issue 17, point 4)?

One command builds, in a fresh SQLite database migrated to head, one tender per size through the real
operations: a published specification (generated text, chapters growing with it: 15 at 200 requirements,
47 at 2 000), every participating municipality with its signer and its approval of version 1, the price
schedule and an evaluation model of 40 leaf criteria (price + 39 quality leaves), locked; 8 vendors with a
vendor user each, whose bids answer every requirement and price every municipality, submitted and opened
by two people; 12 evaluators scoring every quality leaf of every bid with a justification, and a consensus
on every cell (the issue's 8 bids × 40 criteria × 12 evaluators); one observer. On top of that (see
benchmarks/growth_build.py) every page gets something to show: the tender documents, a correction of the
specification, a published question with an attachment and a vendor's own, an attachment and a validated
Noark 5 sample per bid, the award (cost split, recommendation signed off by every municipality, notices,
the contract), an invitation, and a prequalified tender of its own with the demo's prequalification. The
sizes are

    S  200 requirements,   6 municipalities,  8 bids × 12 evaluators
    R  2 000 requirements, 6 municipalities   (growth in requirements: ×10)
    M  200 requirements,   47 municipalities  (growth in municipalities: ×7.8)
    L  2 000 requirements, 47 municipalities  (the issue's scale: judged against 300 ms)
    H  200 requirements,   6 municipalities,  4 bids × 6 evaluators (H→S: ×4 scores, bids × evaluators)

Then it walks **every GET route of the app's URL map** as each role (lead, observer, evaluator, signer,
vendor), with Flask's test client and CSRF on, filling the route's parameters from the built tender (a route
whose parameter the build has no value for is listed as not measured, with the reason, so a new page is never
silently forgotten); the prequalification's routes on the prequalified tender too ("(pq)"), and the routes
no role saw with 200 as an administrator. The 403s are counted per role and size, and a pair that answers
neither 200 nor 403/404 (other than the known redirects) is flagged as a PROBLEM. Each (route, role) that
answers 200 is requested once to warm up (its time is printed as "first": the per-process caches are cold
then) and then REPEAT times; the medians of wall and CPU time
(time.process_time of this one process: the server's work, since the test client runs the app in-process)
are printed per size with the growth ratios S→R, S→M and H→S. Flags:

    SUPERLINEAR  a ratio above 1.5 × the size ratio (and more than 20 ms more at the larger size)
    OVER 300 ms  an HTML page whose median wall and CPU time at L are both over 300 ms (wall alone is
                 flagged apart: on a shared machine it is mostly the other processes' work)
    downloads (PDF, Excel, JSON, CSV, ZIP) are listed and flagged for growth but not judged against 300 ms;
    the evaluation workbook (the matrix's Excel export) is judged against its own target, 2 s median.

    .venv/bin/python benchmarks/bench_growth.py                    # all five sizes, 3 runs each
    .venv/bin/python benchmarks/bench_growth.py --sizes S --repeat 1   # a quick check of the walk
    .venv/bin/python benchmarks/bench_growth.py --sizes S,L --repeat 3 --json /tmp/growth.json
    .venv/bin/python benchmarks/bench_growth.py --compare /tmp/before.json   # before/after CPU side by side

The walk runs with the garbage collector set as `tender serve` sets it in each worker once the app is built
(tender.serve.freeze_after_build: gc.freeze() and a larger gen-0 threshold); --gc-defaults walks with
Python's defaults instead. The machine is shared: wall times are noisy, CPU times much less so; compare
ratios and CPU.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.issue_scale import GROUPS, LEAVES_PER_GROUP  # noqa: E402

PASSWORD = "benk-passord-2026"
BIDS, EVALUATORS = 8, 12
PAGE_TARGET_MS = 300.0
WORKBOOK_TARGET_S = 2.0
WORKBOOK_ENDPOINT = "evaluation.matrix_xlsx"
WORKBOOK_PATH = "/evaluering/matrise.xlsx"
#: downloads other than the evaluation workbook (PDFs, Excel, JSON) are timed this often after the warm-up
DOWNLOAD_REPEAT = 1
ROLES = ("lead", "observer", "evaluator", "signer", "vendor")
#: requirements, municipalities (benchmarks/bench_gc.py builds "S" from here too)
SIZES = {"S": (200, 6), "R": (2000, 6), "M": (200, 47), "L": (2000, 47), "H": (200, 6)}
#: bids, evaluators where a size has other than the issue's 8 × 12
CREWS = {"H": (BIDS // 2, EVALUATORS // 2)}
JUSTIFICATION = (
    "Løsningen dekker kravet med standard funksjonalitet; demonstrasjonen viste journalføring av "
    "e-skjema og politisk saksbehandling uten tilpasning. Trekk for manglende arkivplan."
)
#: query strings a page needs to show what it is for
QUERY = {"requirements.diff": {"fra": "1", "til": "utkast"}}
#: routes that are not pages of a tender and need what no build has (a token mailed to someone, a file)
NOT_PAGES = {"static"}
#: routes the walk cannot measure, with the reason
NOT_MEASURED = {
    "vendors.confirm": "its token is made only by a vendor's registration, which needs a mail server (the "
    "token is in the e-mail only, never stored or returned)",
    "negotiation.letter_pdf": "a letter about a reduction exists only in a negotiation with a reduction; the "
    "built tender is an open procedure (its vendor page is listed in UNSEEN)",
}
#: the prequalification's pages are walked on the prequalified tender too (benchmarks/growth_build.py)
PQ_PREFIX = "pq_"
#: why a route answers no role of the build with 200 (printed with the routes no role saw)
UNSEEN = {
    "negotiation.round_bid": "the built tender is an open procedure: no negotiation round (its overview and "
    "rounds pages are measured, showing none)",
    "noark.request_sample": "the demo's prequalification demands no Noark 5 sample with the requests",
    "negotiation.letters": "the built tender is an open procedure: no reduction, so no vendor has a letter "
    "(the group reads the letters on the negotiation page, measured)",
}
#: pages of a vendor that imported its ESPD response (walked on the pq tender as such a vendor too)
ESPD_IMPORT = {"pq_request.espd_file"}
#: (endpoint, role) pairs that answer a redirect on purpose: not a problem
REDIRECTS = {
    "auth.login": "a person logged in is sent on to the dashboard",
    "requirements.edit_chapter": "the specification is published: editing is on its draft (walked: «draft»)",
    "requirements.edit_requirement": "the specification is published: editing is on its draft",
    "requirements.new_chapter": "the specification is published: editing is on its draft",
    "requirements.new_requirement": "the specification is published: editing is on its draft",
    "requirements.import_catalogue": "the specification is published: importing is into its draft",
    "requirements.import_excel": "the specification is published: importing is into its draft",
    "evaluation.reject_confirm": "no bid is below a minimum quality requirement: nothing to reject",
}


def chapters_for(requirements: int) -> int:
    return max(15, round(15 * (requirements / 200) ** 0.5))


@dataclass
class Built:
    label: str
    requirements: int
    municipalities: int
    chapters: int
    tender_id: int
    logins: dict[str, str]
    values: dict[str, Any]
    seconds: float
    bids: int = BIDS
    evaluators: int = EVALUATORS
    #: the values of the prequalified tender (its own tender: see benchmarks/growth_build.py)
    pq_values: dict[str, Any] = field(default_factory=dict)
    #: an administrator's e-mail: walks the routes no tender role saw
    admin: str = ""
    #: the walk's clock: after the contract, so every step of the tender is in the past
    walk_at: Any = None


def build(
    label: str, requirements: int, municipalities: int, n_bids: int = BIDS, n_evaluators: int = EVALUATORS
) -> Built:
    from flask import current_app

    from benchmarks import growth_build as extras
    from tender.auth import operations as accounts
    from tender.bids import operations as bid_ops
    from tender.core.spec.samples import generated_spec
    from tender.documents import operations as doc_ops
    from tender.evaluation.models import ConsensusScore, IndividualScoreRow
    from tender.evaluation_model import operations as model_ops
    from tender.evaluation_model.models import PriceItemKind
    from tender.extensions import db
    from tender.noark import operations as noark_ops
    from tender.requirements import operations as spec_ops
    from tender.tenders import operations as tender_ops
    from tender.tenders.models import Procedure, Role
    from tender.vendors import operations as vendor_ops
    from tests.evaluation_helpers import AFTER, BEFORE, DEADLINE, ORGNR

    clock = current_app.config["CLOCK"]
    started = time.perf_counter()
    tag = label.lower()

    def user(local: str, name: str) -> Any:
        return accounts.create_user(f"{local}.{tag}@benk.no", name, password=PASSWORD)

    lead = user("leder", "Lena Leder")
    tender = tender_ops.create_tender(
        title=f"Vekst {label}: felles sak-/arkivsystem",
        case_reference=f"2026/{requirements}-{municipalities}",
        procedure=Procedure.OPEN,
        lead=lead,
        questions_deadline=DEADLINE - timedelta(days=5),
        bid_deadline=DEADLINE,
    )
    places = []
    for i in range(municipalities):
        m = tender_ops.get_or_create_municipality(
            name=f"Kommune {i + 1:02d}", kommunenummer=f"{4001 + i}", population=5_000 + 1_733 * i
        )
        tender_ops.add_municipality(tender, m, actor=lead)
        places.append(m)
    db.session.commit()

    from benchmarks.issue_scale import add_award_criteria

    add_award_criteria(tender, lead)
    items = [
        model_ops.add_price_item(
            tender,
            name="Lisenser og innføring",
            kind=PriceItemKind.ONE_OFF,
            per_municipality=False,
            actor=lead,
        ),
        model_ops.add_price_item(
            tender, name="Drift og vedlikehold", kind=PriceItemKind.YEARLY, per_municipality=True, actor=lead
        ),
    ]
    chapters = chapters_for(requirements)
    spec_ops.replace_draft(tender, generated_spec(requirements, chapters=chapters), actor=lead, origin="benk")
    version = spec_ops.freeze_version(tender, actor=lead)
    signers = []
    for i, m in enumerate(places):
        signer = user(f"godkjenner{i + 1}", f"Godkjenner {m.name}")
        tender_ops.add_membership(tender, signer, Role.SIGNER, municipality=m)
        spec_ops.decide(
            tender, version, m, approve=True, comment="", content_hash=version.content_hash, signer=signer
        )
        signers.append(signer)
    spec_ops.publish(tender, version, actor=lead)
    model_ops.freeze(tender, at=BEFORE - timedelta(days=10), actor=lead)
    extras.publish_documents(tender, lead)
    extras.publish_correction(tender, lead, places, signers, at=DEADLINE - timedelta(days=20))
    db.session.commit()

    vendors, vendor_users = [], []
    for i in range(n_bids):
        vendor = tender_ops.register_vendor(
            tender, name=f"Leverandør {i + 1} AS", organisasjonsnummer=ORGNR[i], actor=lead
        )
        vendor_user = user(f"selger{i + 1}", f"Selger {i + 1}")
        vendor_ops.add_vendor_user_by_operator(tender, vendor, vendor_user)
        vendors.append(vendor)
        vendor_users.append(vendor_user)
    evaluators = []
    for e in range(n_evaluators):
        evaluator = user(f"evaluator{e + 1}", f"Evaluator {e + 1}")
        tender_ops.add_membership(tender, evaluator, Role.EVALUATOR)
        evaluators.append(evaluator)
    observer = user("observator", "Olav Observatør")
    tender_ops.add_membership(tender, observer, Role.OBSERVER)
    db.session.commit()

    question_id, own_question_id = extras.ask_questions(
        tender, vendors[0], vendor_users[0], lead, signers, at=DEADLINE - timedelta(days=6)
    )
    content = bid_ops.published_spec(tender)
    assert content is not None
    bids = []
    for i, (vendor, vendor_user) in enumerate(zip(vendors, vendor_users, strict=True)):
        bid = bid_ops.ensure_bid(tender, vendor, at=BEFORE, actor=vendor_user)
        answers = [
            bid_ops.AnswerInput(
                r.id,
                "Ja" if r.answer_form.value != "fritekst" else "Se beskrivelsen.",
                "Standard funksjonalitet",
            )
            for r in content.requirements
        ]
        prices = {(items[0].id, None): Decimal(3_000_000 + 417_000 * i)}
        for m in tender.participating_municipalities:
            prices[(items[1].id, m.id)] = Decimal(20_000 + 1_300 * i)
        bid_ops.save_draft(tender, bid, answers=answers, prices=prices, at=BEFORE, actor=vendor_user)
        extras.attach_and_sample(tender, bid, vendor, vendor_user, at=BEFORE)
        bid_ops.submit(tender, bid, at=BEFORE, actor=vendor_user)
        bids.append(bid)
    db.session.commit()
    extras.validate_samples(tender)
    assert bid_ops.confirm_opening(tender, at=AFTER, actor=lead) is None
    assert bid_ops.confirm_opening(tender, at=AFTER, actor=evaluators[0]) is not None
    leaves = model_ops.quality_leaves(tender)
    for i, bid in enumerate(bids):
        for j, leaf in enumerate(leaves):
            for e, evaluator in enumerate(evaluators):
                db.session.add(
                    IndividualScoreRow(
                        bid_id=bid.id,
                        criterion_id=leaf.id,
                        evaluator_id=evaluator.id,
                        score=Decimal((i + j + e) % 11),
                        justification=JUSTIFICATION,
                    )
                )
            db.session.add(
                ConsensusScore(
                    bid_id=bid.id,
                    criterion_id=leaf.id,
                    score=Decimal((i * 3 + j) % 11),
                    justification=JUSTIFICATION,
                )
            )
    db.session.commit()
    clock.set(AFTER)
    rec_id, notices = extras.award(tender, lead)
    walk_at = extras.record_contract(tender, lead, clock)
    db.session.commit()
    clock.set(BEFORE)

    # the same specification as a draft in a tender of its own: the list page with every editing button
    draft = tender_ops.create_tender(
        title=f"Vekst {label}: utkast", case_reference="2026/utkast", procedure=Procedure.OPEN, lead=lead
    )
    for m in places:
        tender_ops.add_municipality(draft, m, actor=lead)
    spec_ops.replace_draft(draft, generated_spec(requirements, chapters=chapters), actor=lead, origin="benk")
    db.session.commit()

    admin = accounts.create_user(
        f"admin.{tag}@benk.no", "Ada Administrator", password=PASSWORD, is_admin=True
    )
    # an invitation to a new evaluator: its page shows the form to choose a password (a GET uses nothing up)
    invited = accounts.create_user(f"invitert.{tag}@benk.no", "Ivar Invitert")
    tender_ops.add_membership(tender, invited, Role.EVALUATOR)
    invitation = accounts.issue_invitation(invited, tender_id=tender.id, invited_by=lead)
    db.session.commit()
    others = {"observer": observer, "evaluator": evaluators[1], "vendor": vendor_users[0]}
    pq_values = extras.prequalified_tender(
        label, places, lead, signers, others, clock, at=BEFORE - timedelta(days=3), password=PASSWORD
    )
    clock.set(BEFORE)

    spec = spec_ops.specification_of(tender)
    assert spec is not None
    rows = spec_ops.ordered_requirements(spec)
    values = {
        "tender_id": tender.id,
        "number": version.number,
        "bid_id": bids[0].id,
        "token": tender.announcement_token,
        "draft_tender_id": draft.id,
        "attachment_id": bids[0].attachments[0].id,
        "token:auth.accept_invitation": invitation.token,
        "sample_id": noark_ops.sample_of_bid(bids[0]).id,
        "question_id": question_id,
        "question_id:questions.own": own_question_id,  # the vendor's own, not published
        "question_id:questions.own_attachment": question_id,  # asked by the vendor, with the attachment
        "rec_id": rec_id,
        "municipality_id": places[0].id,  # the municipality register's page (an administrator's)
        "notice_id": notices[bids[0].vendor_id],
        "document_id:documents.download": doc_ops.current_version(tender).documents[0].id,
        # the route's <key> is a requirement's on the requirement page and a chapter's on the chapter page
        "key:requirements.edit_requirement": rows[len(rows) // 2].key,
        "key:requirements.edit_chapter": spec.chapters[len(spec.chapters) // 2].key,
    }
    logins = {
        "lead": lead.email,
        "observer": observer.email,
        "evaluator": evaluators[1].email,
        "signer": signers[-1].email,
        "vendor": vendor_users[0].email,
    }
    return Built(
        label,
        requirements,
        municipalities,
        chapters,
        tender.id,
        logins,
        values,
        time.perf_counter() - started,
        n_bids,
        n_evaluators,
        pq_values,
        admin.email,
        walk_at,
    )


@dataclass
class Measure:
    status: int
    kind: str  #: "page" (HTML) or "download"
    size: int
    first_ms: float
    location: str = ""  #: where a redirect leads
    wall_ms: float = 0.0
    cpu_ms: float = 0.0
    runs: list[float] = field(default_factory=list)


def url_for_rule(rule: Any, values: dict[str, Any], **given: Any) -> str | None:
    """The rule's URL with ``values`` (a name or "name:endpoint" → value), or None when one is missing."""
    args = {}
    for name in rule.arguments:
        value = given.get(name, values.get(f"{name}:{rule.endpoint}", values.get(name)))
        if value is None:
            return None
        args[name] = value
    path = rule.build(args, append_unknown=False)[1]
    query = QUERY.get(rule.endpoint)
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


def logged_in(app: Any, email: str) -> Any:
    client = app.test_client()
    page = client.get("/logg-inn").get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    data = {"email": email, "password": PASSWORD}
    if match:
        data["csrf_token"] = match.group(1)
    response = client.post("/logg-inn", data=data)
    assert response.status_code == 302, (email, response.status_code)
    return client


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def walk(app: Any, built: Built, repeat: int, only: set[str] | None) -> tuple[dict[str, Measure], list[str]]:
    """Every GET route as every role: on the built tender, on the draft's tender (the specification's pages,
    as the lead), on the prequalified tender (the prequalification's pages: key suffix " (pq)"); then, as an
    administrator, the routes that no role saw with 200 (key role "admin")."""
    results: dict[str, Measure] = {}
    unmeasured: list[str] = []
    clients = {role: logged_in(app, email) for role, email in built.logins.items()}
    clients["espd"] = logged_in(app, built.pq_values["espd_login"])
    unseen: list[tuple[str, str]] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
            continue
        if only and rule.endpoint not in only:
            continue
        if rule.endpoint in NOT_MEASURED:
            unmeasured.append(f"{rule.endpoint} ({rule.rule}): {NOT_MEASURED[rule.endpoint]}")
            continue
        urls = {"": url_for_rule(rule, built.values)}
        if rule.endpoint.startswith(PQ_PREFIX):
            urls[" (pq)"] = url_for_rule(rule, built.pq_values)
        if not any(urls.values()):
            missing = [
                n
                for n in rule.arguments
                if all(
                    n not in v and f"{n}:{rule.endpoint}" not in v for v in (built.values, built.pq_values)
                )
            ]
            unmeasured.append(f"{rule.endpoint} ({rule.rule}): no {', '.join(sorted(missing))} in the build")
            continue
        seen = False
        for suffix, url in urls.items():
            if url is None:
                continue
            for role in ROLES:
                measure = measure_get(clients[role], url, repeat)
                results[f"{rule.endpoint} {role}{suffix}"] = measure
                seen = seen or measure.status == 200
            if suffix and rule.endpoint in ESPD_IMPORT:
                # the ESPD response a vendor imported: the pq tender's vendor login filled in the form instead
                measure = measure_get(clients["espd"], url, repeat)
                results[f"{rule.endpoint} vendor (pq, ESPD import)"] = measure
                seen = seen or measure.status == 200
        if rule.endpoint.startswith("requirements.") and set(rule.arguments) <= {"tender_id", "key"}:
            # the specification's pages while it is a draft, as the lead who edits it
            draft_url = url_for_rule(rule, built.values, tender_id=built.values["draft_tender_id"])
            if draft_url:
                measure = measure_get(clients["lead"], draft_url, repeat)
                if measure.status == 200:
                    results[f"{rule.endpoint} lead (draft)"] = measure
                    seen = True
        if not seen:
            unseen.append((rule.endpoint, next(u for u in urls.values() if u)))
    admin = logged_in(app, built.admin)
    for endpoint, url in unseen:
        results[f"{endpoint} admin"] = measure_get(admin, url, repeat)
    return results, unmeasured


def fetch(client: Any, url: str) -> Any:
    """GET with the whole body read (a file sent in chunks is work of the request too), then closed."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def measure_get(client: Any, url: str, repeat: int) -> Measure:
    response, first, _ = timed(lambda: fetch(client, url))
    kind = "page" if response.mimetype == "text/html" else "download"
    measure = Measure(response.status_code, kind, len(response.data), first, response.location or "")
    if response.status_code == 200:
        walls, cpus = [], []
        for _ in range(repeat if kind == "page" or url.endswith(WORKBOOK_PATH) else DOWNLOAD_REPEAT):
            r, wall, cpu = timed(lambda: fetch(client, url))
            assert r.status_code == 200, (url, r.status_code)
            walls.append(wall)
            cpus.append(cpu)
        measure.wall_ms, measure.cpu_ms, measure.runs = (
            statistics.median(walls),
            statistics.median(cpus),
            walls,
        )
    return measure


def make_app(tmp: str) -> Any:
    from tender import create_app
    from tests.evaluation_helpers import BEFORE, Clock

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/vekst.sqlite3",
            "SECRET_KEY": "benk",
            "INSTANCE_PATH": tmp,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    app.config["CLOCK"] = Clock(BEFORE)
    return app


def ratio(a: float, b: float) -> float:
    return b / a if a else float("inf")


def report(
    sizes: list[str], built: dict[str, Built], data: dict[str, dict[str, Measure]], unmeasured: list[str]
) -> list[str]:
    keys = sorted({k for d in data.values() for k, m in d.items() if m.status == 200})
    flags: list[str] = []
    head = f"{'route role':<46}{'kind':<9}" + "".join(f"{s + ' wall/cpu ms':>20}" for s in sizes)
    has_r, has_m = "S" in sizes and "R" in sizes, "S" in sizes and "M" in sizes
    has_h = "S" in sizes and "H" in sizes
    head += ("   S→R" if has_r else "") + ("   S→M" if has_m else "") + ("   H→S" if has_h else "")
    print(head)
    req_ratio = built["R"].requirements / built["S"].requirements if has_r else 0
    mun_ratio = built["M"].municipalities / built["S"].municipalities if has_m else 0
    #: H→S doubles both the bids and the evaluators: the scores (bids × evaluators) grow ×4, and that is the
    #: size ratio a page is judged by (a page linear in what it shows grows at most that much)
    cell_ratio = (
        (built["S"].bids * built["S"].evaluators) / (built["H"].bids * built["H"].evaluators) if has_h else 0
    )
    for key in keys:
        cells, line_flags = [], []
        kind = next(d[key].kind for d in data.values() if key in d and d[key].status == 200)
        for s in sizes:
            m = data[s].get(key)
            if m is None or m.status != 200:
                cells.append(f"{'(' + str(m.status if m else '-') + ')':>20}")
            else:
                cells.append(f"{m.wall_ms:>11.1f}/{m.cpu_ms:<7.1f}" + " ")
        extra = ""
        for flag, (small, large, size_ratio) in {
            "requirements": ("S", "R", req_ratio),
            "municipalities": ("S", "M", mun_ratio),
            "bids × evaluators": ("H", "S", cell_ratio),
        }.items():
            if small not in sizes or large not in sizes:
                continue
            a, b = data[small].get(key), data[large].get(key)
            if a and b and a.status == b.status == 200:
                r = ratio(a.cpu_ms, b.cpu_ms)
                extra += f"{r:>6.1f}×"
                if r > 1.5 * size_ratio and b.cpu_ms - a.cpu_ms > 20:
                    line_flags.append(f"SUPERLINEAR in {flag} ({r:.1f}× CPU for {size_ratio:.1f}×)")
            else:
                extra += f"{'–':>7}"
        if "L" in sizes:
            big = data["L"].get(key)
            # judged on CPU time as well as wall: on a shared machine the wall time is mostly the others' work
            if big and big.status == 200 and kind == "page" and min(big.wall_ms, big.cpu_ms) > PAGE_TARGET_MS:
                line_flags.append(
                    f"OVER {PAGE_TARGET_MS:.0f} ms at L ({big.wall_ms:.0f} ms wall, {big.cpu_ms:.0f} ms CPU)"
                )
            elif big and big.status == 200 and kind == "page" and big.wall_ms > PAGE_TARGET_MS:
                line_flags.append(f"wall over {PAGE_TARGET_MS:.0f} ms at L, CPU {big.cpu_ms:.0f} ms (load?)")
        print(
            f"{key:<46}{kind:<9}"
            + "".join(cells)
            + extra
            + ("   " + "; ".join(line_flags) if line_flags else "")
        )
        flags += [f"{key}: {f}" for f in line_flags]
    if unmeasured:
        print("\nnot measured:")
        for line in sorted(set(unmeasured)):
            print(f"  {line}")
    flags += statuses(sizes, data)
    return flags


def statuses(sizes: list[str], data: dict[str, dict[str, Measure]]) -> list[str]:
    """Print how many (route, role) pairs answered 403 per role and size (a page that left the walk shows
    here), the routes no role saw with 200, and return as problems the pairs that answered neither 200 nor
    403/404 (other than the known redirects)."""
    roles = (*ROLES, "admin")
    print("\n(route, role) pairs that answered 403, per role:")
    print(f"  {'size':<6}" + "".join(f"{r:>11}" for r in roles))
    for s in sizes:
        counts = {
            r: sum(1 for k, m in data[s].items() if m.status == 403 and k.split()[1] == r) for r in roles
        }
        print(f"  {s:<6}" + "".join(f"{counts[r]:>11}" for r in roles))
    problems: list[str] = []
    nobody: dict[str, list[str]] = {}  # "endpoint: statuses (reason)" → the sizes
    for s in sizes:
        endpoints: dict[str, list[int]] = {}
        for key, m in sorted(data[s].items()):
            endpoint = key.split()[0]
            endpoints.setdefault(endpoint, []).append(m.status)
            if m.status in (200, 403, 404) or (endpoint in REDIRECTS and m.status in (302, 303)):
                continue
            problems.append(f"{key} at {s}: answered {m.status}{' → ' + m.location if m.location else ''}")
        for e, st in endpoints.items():
            if 200 not in st:
                why = UNSEEN.get(e) or REDIRECTS.get(e) or "NO REASON KNOWN"
                nobody.setdefault(f"{e}: {sorted(set(st))} ({why})", []).append(s)
    if nobody:
        print("\nroutes no role saw with 200 (statuses answered, why, at which sizes):")
        for line, at in sorted(nobody.items()):
            print(f"  {line} at {','.join(at)}")
    print("\nknown redirects, not problems:")
    for endpoint, why in sorted(REDIRECTS.items()):
        print(f"  {endpoint}: {why}")
    if problems:
        print("\nPROBLEMS: (route, role) pairs that answered neither 200 nor 403/404:")
        for line in problems:
            print(f"  {line}")
    unexplained = sorted(f"{ln} at {','.join(at)}" for ln, at in nobody.items() if "NO REASON KNOWN" in ln)
    return [f"PROBLEM {p}" for p in problems] + [f"NO ROLE SEES {line}" for line in unexplained]


def compare(before_file: str, after: dict[str, dict[str, Measure]]) -> None:
    before = json.loads(Path(before_file).read_text())["measures"]
    print(f"\nbefore ({before_file}) → now, median CPU ms (wall in brackets):")
    for size in after:
        for key, m in sorted(after[size].items()):
            b = before.get(size, {}).get(key)
            if m.status != 200 or not b or b["status"] != 200:
                continue
            if max(b["cpu_ms"], m.cpu_ms) < 30:
                continue
            print(
                f"  {size} {key:<46}{b['cpu_ms']:>9.1f} → {m.cpu_ms:<9.1f}"
                f"({b['wall_ms']:.0f} → {m.wall_ms:.0f})"
                f"{ratio(m.cpu_ms, b['cpu_ms']):>7.1f}× faster"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="S,R,M,L,H", help="which of S, R, M, L, H (default all five)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per page after the warm-up (median)"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated endpoints to measure (default: every GET route)"
    )
    parser.add_argument("--json", help="write every measure to this file")
    parser.add_argument("--compare", help="a --json file of an earlier run: print before → now")
    parser.add_argument(
        "--gc-defaults",
        action="store_true",
        help="walk with Python's garbage collector settings instead of what `tender serve` sets in a worker",
    )
    args = parser.parse_args(argv)
    sizes = [s for s in args.sizes.split(",") if s]
    only = {e for e in args.only.split(",") if e} or None

    from flask_migrate import upgrade

    from tender.extensions import db

    built: dict[str, Built] = {}
    data: dict[str, dict[str, Measure]] = {}
    unmeasured: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(tmp)
        with app.app_context():
            upgrade()
            for s in sizes:
                requirements, municipalities = SIZES[s]
                n_bids, n_evaluators = CREWS.get(s, (BIDS, EVALUATORS))
                built[s] = build(s, requirements, municipalities, n_bids, n_evaluators)
                db.session.remove()
                print(
                    f"built {s}: {requirements} requirements in {built[s].chapters} chapters, "
                    f"{municipalities} municipalities, {n_bids} bids × {GROUPS * LEAVES_PER_GROUP + 1} "
                    f"criteria × {n_evaluators} evaluators in {built[s].seconds:.1f} s",
                    flush=True,
                )
        if not args.gc_defaults:
            # as `tender serve` does in each worker once its app is built: what lives now is frozen out of the
            # collector's sight (else a full collection of the builds' heap lands in a random request)
            from tender.serve import GEN0_THRESHOLD, freeze_after_build

            freeze_after_build(gen0=GEN0_THRESHOLD)
        for s in sizes:
            app.config["CLOCK"].set(built[s].walk_at)
            started = time.perf_counter()
            data[s], missing = walk(app, built[s], args.repeat, only)
            unmeasured += missing
            shown = sum(1 for m in data[s].values() if m.status == 200)
            print(
                f"walked {s}: {shown} (route, role) pairs answered 200 "
                f"in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
    print(f"\nmedian of {args.repeat} runs after one warm-up, server time in-process (Flask test client)\n")
    flags = report(sizes, built, data, unmeasured)

    book = [(s, data[s].get(f"{WORKBOOK_ENDPOINT} lead")) for s in sizes]
    print("\nevaluation workbook (GET /evaluering/matrise.xlsx as the lead), median:")
    for s, m in book:
        if m and m.status == 200:
            verdict = "met" if m.wall_ms / 1000 < WORKBOOK_TARGET_S else "NOT MET"
            print(
                f"  {s}: {m.wall_ms / 1000:.2f} s wall, {m.cpu_ms / 1000:.2f} s CPU "
                f"(target < {WORKBOOK_TARGET_S:.0f} s: {verdict})"
            )
            if m.wall_ms / 1000 >= WORKBOOK_TARGET_S:
                flags.append(
                    f"{WORKBOOK_ENDPOINT}: {m.wall_ms / 1000:.2f} s at {s} (target {WORKBOOK_TARGET_S:.0f} s)"
                )
    print("\nflags:" if flags else "\nflags: none")
    for f in flags:
        print(f"  {f}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "sizes": {s: asdict(b) for s, b in built.items()},
                    "measures": {s: {k: asdict(m) for k, m in d.items()} for s, d in data.items()},
                },
                indent=1,
                default=str,
            )
        )
    if args.compare:
        compare(args.compare, data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

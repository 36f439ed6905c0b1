"""Questions and answers (issue 13, point 2): a vendor asks before the question deadline; the group removes
what names the asker, answers, the municipalities approve (when the tender asks for it) and the lead publishes
to every vendor at the same moment, with an e-mail to every vendor user that names no asker. Another vendor
never sees a question before or after its publication as it was typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.questions_helpers import (
    ASKER,
    ASKING_VENDOR,
    QUESTIONS_DEADLINE,
    approve,
    ask,
    base,
    build_world,
    draft,
    mail_text,
    pdf_text,
    publish,
)

MARKER = "QMRK-opprinnelig-9f3a"
PUBLISHED = "Hvor mange samtidige brukere skal løsningen dimensjoneres for?"
ANSWER = "Løsningen skal dimensjoneres for 1 200 samtidige brukere, se krav 2.3."


@pytest.fixture
def world(db, create_tender, create_user, add_member, clock):
    return build_world(db, create_tender, create_user, add_member, clock)


@pytest.fixture
def mail_on(app, smtp_server):
    port, received = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield received
    finally:
        app.config.update(MAIL_SERVER="")


def _questions(db) -> list:
    from tender.questions.models import Question

    return list(db.session.scalars(select(Question).order_by(Question.id)))


def _events(db, event_type: str) -> int:
    from tender.audit import AuditEvent

    return db.session.scalar(select(func.count()).where(AuditEvent.event_type == event_type))


def _asked(db, client, forms, login_as, world, text: str | None = None, attachment=None):
    login_as(world.asker)
    response = ask(
        forms, world.tender, text or f"Vi i {ASKING_VENDOR} ({MARKER}) lurer på antall brukere.", attachment
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return _questions(db)[-1]


def _answered_and_approved(db, client, forms, login_as, world, question) -> None:
    login_as(world.lead)
    assert draft(forms, world.tender, question, PUBLISHED, ANSWER).status_code == 302
    for signer in world.signers:
        login_as(signer)
        assert approve(client, forms, world.tender, question).status_code == 302


# -- an answer reaches every registered vendor at once, naming no asker --------------------------------------
def test_an_answer_reaches_every_registered_vendor_at_once_and_names_no_asker(
    db, client, forms, login_as, world, mail_on, clock
) -> None:
    from tender.questions import operations as ops

    question = _asked(
        db, client, forms, login_as, world, attachment=(f"%PDF-1.4 {MARKER}".encode(), "notat.pdf")
    )
    _answered_and_approved(db, client, forms, login_as, world, question)
    login_as(world.lead)
    response = publish(client, forms, world.tender, question)
    assert response.status_code == 302
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "publisert til alle leverandørene samtidig" in followed and "til 4 leverandørbrukere" in followed

    db.session.refresh(question)
    assert question.published_at == clock() and question.number == 1
    assert [
        (p.number, p.question, p.answer, p.published_at) for p in ops.published_questions(world.tender)
    ] == [(1, PUBLISHED, ANSWER, clock())]
    # one mail to each vendor user of each vendor, the asker's colleague and the asker included
    mails = [mail_text(m) for m in mail_on]
    assert sorted(to for to, _, _ in mails) == sorted(u.email for u in world.vendor_users)
    for to, subject, body in mails:
        assert "spørsmål nr. 1" in subject and world.tender.title in subject
        assert PUBLISHED in body and ANSWER in body and f"{base(world.tender)}" in body
        for telltale in (ASKING_VENDOR, ASKER, MARKER, world.asker.email, "notat.pdf"):
            assert telltale not in body and telltale not in subject, (to, telltale)
    assert _events(db, "question.published") == 1

    # every vendor user reads the same answer, the asker nowhere, on the page and in the PDF (the asker's own
    # name is only in the page's header, where every user's name is)
    for user in world.vendor_users:
        login_as(user)
        page = client.get(base(world.tender)).get_data(as_text=True)
        assert PUBLISHED in page and ANSWER in page.replace("&nbsp;", "\u00a0")
        pdf = client.get(f"{base(world.tender)}/sporsmal-og-svar.pdf")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        text = pdf_text(pdf.get_data())
        assert "Spørsmål nr. 1" in text and PUBLISHED.replace(" ", "") in text
        page = page.replace(f'<span class="who">{user.name}</span>', "")
        for telltale in (ASKING_VENDOR, ASKER, MARKER):
            assert telltale not in page and telltale not in text


def test_the_published_list_is_numbered_in_the_order_of_publication_not_of_asking(
    db, client, forms, login_as, world, clock
) -> None:
    from tender.questions import operations as ops

    first = _asked(db, client, forms, login_as, world, text="Første spørsmål")
    login_as(world.users[1][0])
    assert ask(forms, world.tender, "Andre spørsmål").status_code == 302
    second = _questions(db)[-1]
    ops.set_approval_required(world.tender, False, at=clock(), actor=world.lead)
    db.session.commit()
    login_as(world.lead)
    for q, n in ((second, "B"), (first, "A")):
        assert draft(forms, world.tender, q, f"Spørsmål {n}", f"Svar {n}").status_code == 302
        clock.set(clock() + timedelta(minutes=1))
        assert publish(client, forms, world.tender, q).status_code == 302
    listed = ops.published_questions(world.tender)
    assert [(p.number, p.question) for p in listed] == [(1, "Spørsmål B"), (2, "Spørsmål A")]
    assert listed[0].published_at < listed[1].published_at


def test_a_mail_that_cannot_be_sent_leaves_the_answer_published_and_tells_the_lead_who_was_not_told(
    app, db, client, forms, login_as, world
) -> None:
    # The policy of tender.mail.notify: the answer is published in the portal to every vendor at one moment;
    # the e-mail only tells of it, so a failed mail does not undo the publication (rolling it back after some
    # mails had gone out would tell those vendors of an answer that is not there). Who was not told is
    # recorded in the trail and shown to the lead, who tells them by other means.
    import json
    import socket

    from tender.audit import AuditEvent

    question = _asked(db, client, forms, login_as, world)
    _answered_and_approved(db, client, forms, login_as, world, question)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        login_as(world.lead)
        response = publish(client, forms, world.tender, question)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    finally:
        app.config.update(MAIL_SERVER="")
    assert response.status_code == 302
    assert "E-posten kunne ikke sendes til" in page and "på annen måte" in page
    db.session.refresh(question)
    assert question.published_at is not None and question.number == 1
    assert _events(db, "question.published") == 1
    event = db.session.query(AuditEvent).filter_by(event_type="question.published").one()
    payload = json.loads(event.payload_json)
    assert payload["sent"] == 0 and payload["failed"] and payload["mail_server"] is True


# -- a vendor never sees another's question as typed ---------------------------------------------------------
def _urls(app, tender, question) -> list[str]:
    """Every GET route of questions and answers with this tender's question, and the pages that link to it."""
    urls = [f"/konkurranser/{tender.id}", "/"]
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("questions.") and "GET" in (rule.methods or ()):
            url = rule.rule.replace("<int:tender_id>", str(tender.id))
            urls.append(url.replace("<int:question_id>", str(question.id)))
    return urls


def _seen(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    body = response.get_data()
    text = body.decode("utf-8", "replace") + str(response.headers)
    if body[:4] == b"%PDF":
        text += pdf_text(body)
    return response.status_code, text


def test_a_vendor_never_sees_another_vendors_question_as_typed_nor_its_attachment_by_any_route(
    app, db, client, forms, login_as, world, clock
) -> None:
    question = _asked(
        db,
        client,
        forms,
        login_as,
        world,
        attachment=(f"%PDF-1.4 vedlegg {MARKER}".encode(), f"notat-{MARKER}.pdf"),
    )
    urls = _urls(app, world.tender, question)
    assert len(urls) >= 10

    def walk(stage: str) -> None:
        # the group reads the question as typed, with its attachment (so the detector can find the marker)
        for who, user in world.group.items():
            login_as(user)
            assert MARKER in _seen(client, f"{base(world.tender)}/alle/{question.id}")[1], (stage, who)
            status, text = _seen(client, f"{base(world.tender)}/alle/{question.id}/vedlegg")
            assert status == 200 and MARKER in text, (stage, who)
        # the asker's colleague too (the same vendor)
        login_as(world.users[0][1])
        assert MARKER in _seen(client, f"{base(world.tender)}/mine/{question.id}")[1]
        # the other vendors: nowhere; the question's own routes answer as for a question that does not exist
        for user in [*world.users[1], *world.users[2]]:
            login_as(user)
            for url in urls:
                status, text = _seen(client, url)
                assert MARKER not in text and ASKER not in text and ASKING_VENDOR not in text, (
                    stage,
                    user.name,
                    url,
                )
                if f"/{question.id}" in url and "/mine/" in url:
                    assert status == 404, (stage, url, status)
                    assert _seen(client, url.replace(f"/{question.id}", "/10000000"))[0] == 404
                elif "/alle" in url:
                    assert status == 403, (stage, url, status)

    walk("før publisering")
    login_as(world.lead)
    assert draft(forms, world.tender, question, PUBLISHED, ANSWER).status_code == 302
    walk("med utkast")
    from tender.questions import operations as ops

    ops.set_approval_required(world.tender, False, at=clock(), actor=world.lead)
    db.session.commit()
    login_as(world.lead)
    assert publish(client, forms, world.tender, question).status_code == 302
    walk("etter publisering")


# -- the deadline --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("when", ["at_the_deadline", "after_the_deadline", "no_deadline_set"])
def test_a_question_after_the_deadline_is_refused_with_the_reason_and_changes_nothing_but_the_trail(
    db, client, forms, login_as, world, clock, when
) -> None:
    if when == "no_deadline_set":
        world.tender.questions_deadline = None
        db.session.commit()
        reason = "Det er ikke satt noen frist for spørsmål"
    else:
        clock.set(QUESTIONS_DEADLINE + (timedelta(0) if when == "at_the_deadline" else timedelta(days=1)))
        reason = "Fristen for spørsmål var"
    login_as(world.asker)
    response = ask(forms, world.tender, "Et spørsmål for sent", attachment=(b"%PDF-1.4 x", "sent.pdf"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert reason in html and "Et spørsmål for sent" in html  # the text is shown back, not lost
    assert _questions(db) == []
    assert _events(db, "question.asked") == 0
    assert _events(db, "question.late_attempt") == 1


def test_a_question_a_second_before_the_deadline_is_taken(db, client, forms, login_as, world, clock) -> None:
    clock.set(QUESTIONS_DEADLINE - timedelta(seconds=1))
    assert (
        _asked(db, client, forms, login_as, world, text="Rett før fristen").original_text
        == "Rett før fristen"
    )


# -- the municipalities' approval ----------------------------------------------------------------------------
def test_publication_waits_for_every_municipalitys_approval_of_the_exact_texts_and_an_edit_voids_them(
    db, client, forms, login_as, world
) -> None:
    from tender.questions import operations as ops

    tender = world.tender
    question = _asked(db, client, forms, login_as, world)
    assert ops.approval_required(tender)  # a joint tender of two municipalities: on by default
    login_as(world.lead)
    assert draft(forms, tender, question, PUBLISHED, ANSWER).status_code == 302
    names = [m.name for m in tender.participating_municipalities]

    response = publish(client, forms, tender, question)
    assert response.status_code == 422
    assert f"Mangler: {names[0]}, {names[1]}." in response.get_data(as_text=True)

    login_as(world.signers[0])
    assert approve(client, forms, tender, question).status_code == 302
    login_as(world.lead)
    response = publish(client, forms, tender, question)
    assert response.status_code == 422 and f"Mangler: {names[1]}." in response.get_data(as_text=True)

    # the lead edits the answer: the first approval was for other texts and counts no more
    response = draft(forms, tender, question, PUBLISHED, ANSWER + " Endret.")
    assert response.status_code == 302
    assert "1 godkjenning(er) av den forrige teksten gjelder ikke lenger" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    db.session.refresh(question)
    assert ops.valid_approvals(question) == [] and len(question.approvals) == 1
    assert "Godkjente en tidligere tekst" in client.get(f"{base(tender)}/alle/{question.id}").get_data(
        as_text=True
    )
    response = publish(client, forms, tender, question)
    assert response.status_code == 422 and f"Mangler: {names[0]}, {names[1]}." in response.get_data(
        as_text=True
    )

    # an approval of texts the signer read before the edit is refused
    login_as(world.signers[1])
    stale = ops.text_sha256(PUBLISHED, ANSWER)
    url = f"{base(tender)}/alle/{question.id}"
    response = forms.post(f"{url}/godkjenn", {"sha256": stale}, page=url)
    assert response.status_code == 422 and "er endret siden" in response.get_data(as_text=True)

    for signer in world.signers:
        login_as(signer)
        assert approve(client, forms, tender, question).status_code == 302
    login_as(world.lead)
    assert publish(client, forms, tender, question).status_code == 302
    db.session.refresh(question)
    assert question.number == 1 and question.answer_text == ANSWER + " Endret."
    assert _events(db, "question.approved") == 3


def test_with_the_setting_off_the_lead_publishes_without_approvals_and_signers_cannot_approve(
    db, client, forms, login_as, world
) -> None:
    from tender.questions import operations as ops

    tender = world.tender
    question = _asked(db, client, forms, login_as, world)
    login_as(world.lead)
    url = f"{base(tender)}/innstillinger"
    assert forms.post(url, {"approval_required": "nei"}, page=f"{base(tender)}/alle").status_code == 302
    assert not ops.approval_required(tender) and _events(db, "questions.settings_changed") == 1
    assert draft(forms, tender, question, PUBLISHED, ANSWER).status_code == 302
    login_as(world.signers[0])
    response = approve(client, forms, tender, question)
    assert response.status_code == 422
    assert "skal ikke godkjennes av kommunene" in response.get_data(as_text=True)
    login_as(world.lead)
    assert publish(client, forms, tender, question).status_code == 302


def test_a_tender_of_one_municipality_asks_for_no_approval_unless_the_lead_sets_it(
    db, create_tender, clock
) -> None:
    from tender.questions import operations as ops

    single = create_tender(municipalities=1)
    assert not ops.approval_required(single)
    ops.set_approval_required(single, True, at=clock(), actor=single.memberships[0].user)
    assert ops.approval_required(single)


def test_a_published_answer_cannot_be_edited_approved_or_published_again(
    db, client, forms, login_as, world
) -> None:
    from tender.errors import DomainError
    from tender.questions import operations as ops

    question = _asked(db, client, forms, login_as, world)
    _answered_and_approved(db, client, forms, login_as, world, question)
    login_as(world.lead)
    assert publish(client, forms, world.tender, question).status_code == 302
    response = draft(forms, world.tender, question, "Noe annet", "Et annet svar")
    assert response.status_code == 422 and "er publisert og kan ikke endres" in response.get_data(
        as_text=True
    )
    db.session.refresh(question)
    with pytest.raises(DomainError):
        ops.publish(
            world.tender,
            question,
            sha256=ops.current_sha256(question),
            at=question.published_at,
            actor=world.lead,
        )
    assert question.answer_text == ANSWER


# -- bad input -----------------------------------------------------------------------------------------------
def test_markup_in_a_question_is_kept_as_text_and_shown_escaped_to_the_vendor_and_the_group(
    db, client, forms, login_as, world, clock
) -> None:
    markup = "<script>alert('x')</script><b>fet</b> & <img src=x onerror=alert(1)>"
    question = _asked(db, client, forms, login_as, world, text=markup)
    assert question.original_text == markup
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;b&gt;fet&lt;/b&gt; &amp; &lt;img"
    page = client.get(f"{base(world.tender)}/mine/{question.id}").get_data(as_text=True)
    assert escaped in page and "<script>alert" not in page and "<img src=x" not in page
    login_as(world.lead)
    page = client.get(f"{base(world.tender)}/alle/{question.id}").get_data(as_text=True)
    assert escaped in page and "<script>alert" not in page
    from tender.questions import operations as ops

    ops.set_approval_required(world.tender, False, at=clock(), actor=world.lead)
    db.session.commit()
    assert draft(forms, world.tender, question, markup, "<i>svar</i>").status_code == 302
    assert publish(client, forms, world.tender, question).status_code == 302
    login_as(world.users[1][0])
    page = client.get(base(world.tender)).get_data(as_text=True)
    assert escaped in page and "&lt;i&gt;svar&lt;/i&gt;" in page and "<i>svar" not in page


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "Skriv spørsmålet."),
        ("   \r\n  ", "Skriv spørsmålet."),
        ("x" * 10_001, "Teksten kan være høyst 10 000 tegn."),
    ],
    ids=["empty", "blank", "too_long"],
)
def test_an_empty_or_too_long_question_is_refused_with_a_clear_message_and_nothing_is_stored(
    db, client, forms, login_as, world, text, message
) -> None:
    login_as(world.asker)
    response = ask(forms, world.tender, text)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _questions(db) == [] and _events(db, "question.asked") == 0


def test_a_line_break_counts_as_one_character_as_typed() -> None:
    from tender.questions.forms import _one_line_break

    assert _one_line_break("a\r\nb") == "a\nb"


def test_the_operation_refuses_a_too_long_text_whoever_calls_it(db, world, clock) -> None:
    from tender.errors import DomainError
    from tender.questions import operations as ops

    with pytest.raises(DomainError, match="høyst 10\u00a0000 tegn, og denne har 10\u00a0001"):
        ops.ask(world.tender, world.vendors[0], text="x" * 10_001, at=clock(), actor=world.asker)
    assert _questions(db) == []


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"%PDF-" + b"0" * (50 * 1024 * 1024 - 4), "stor.pdf", "Filen er større enn 50 MB."),
        (b"MZ\x90\x00 program", "program.exe", "Filtypen tas ikke imot."),
        (b"ikke en pdf", "forkledd.pdf", "Filen er ikke en gyldig .pdf-fil"),
        (b"", "tom.pdf", "Filen er tom."),
    ],
    ids=["over_the_limit", "a_program", "not_what_it_says", "empty"],
)
def test_an_attachment_the_upload_rules_refuse_is_refused_and_the_question_is_not_stored(
    db, client, forms, login_as, world, data, name, message
) -> None:
    login_as(world.asker)
    response = ask(forms, world.tender, "Et spørsmål med vedlegg", attachment=(data, name))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Et spørsmål med vedlegg" in html
    assert _questions(db) == []


def test_an_attachment_within_the_limit_is_kept_for_the_asker_and_the_group(
    db, client, forms, login_as, world
) -> None:
    question = _asked(db, client, forms, login_as, world, attachment=(b"%PDF-1.4 innhold", "beskrivelse.pdf"))
    assert question.attachment.filename == "beskrivelse.pdf" and question.attachment.size == 16
    response = client.get(f"{base(world.tender)}/mine/{question.id}/vedlegg")
    assert response.status_code == 200 and response.get_data() == b"%PDF-1.4 innhold"
    login_as(world.evaluator)
    assert client.get(f"{base(world.tender)}/alle/{question.id}/vedlegg").get_data() == b"%PDF-1.4 innhold"


def test_a_too_long_answer_or_an_empty_published_text_is_refused_on_the_groups_page(
    db, client, forms, login_as, world
) -> None:
    question = _asked(db, client, forms, login_as, world)
    login_as(world.evaluator)
    response = draft(forms, world.tender, question, PUBLISHED, "y" * 10_001)
    assert response.status_code == 422 and "høyst 10 000 tegn" in response.get_data(as_text=True)
    response = draft(forms, world.tender, question, "  ", ANSWER)
    assert response.status_code == 422
    assert "Skriv spørsmålet slik det skal publiseres." in response.get_data(as_text=True)
    db.session.refresh(question)
    assert question.published_text == "" and question.answer_text == ""


def test_there_is_no_route_to_answer_one_vendor_the_only_way_out_is_the_publication_to_all(app) -> None:
    posts = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("questions.") and "POST" in (rule.methods or ())
    )
    # asking, the group's draft, the approval, the publication, the setting: nothing sends to one vendor
    assert posts == [
        "questions.approve",
        "questions.mine",
        "questions.publish",
        "questions.question",
        "questions.settings",
    ]


def test_the_pdf_keeps_markup_as_text_and_lays_out_the_longest_texts(db, world, clock) -> None:
    from tender.reports.questions_pdf import render_questions_pdf

    entries = [
        (1, "x" * 10_000, "ord " * 2_500, clock()),
        (2, "<b>fet</b> & <script>alert(1)</script>", "linje\n" * 1_500, clock()),
    ]
    data = render_questions_pdf(entries, tender_title="Arkiv <&>", case_reference="2026/1", made_at=clock())
    text = pdf_text(data)
    assert "Spørsmål nr. 2" in text and "<b>fet</b>&<script>alert(1)</script>" in text
    assert "Arkiv<&>" in text

"""Who may do what in a tender: named predicates over the tender (and an object in it), composable with
``&``, ``|`` and ``~`` (as FlaskBB's requirements are).

Every rule is called as ``rule(user, tender, obj=None, now=None)``: ``obj`` is the protected object when the
rule is about one (a municipality, a bid), ``now`` the moment when the rule depends on the bid deadline
(``tender.clock.now()`` when not given). Each domain keeps the rules over what it protects in its own
``permissions.py``, built from the role facts here; views check them once through
:func:`tender.tenders.access.tender_for`, templates through the ``may(name, tender)`` global
(tender.templating), under the rule's name.

The facts a rule is built from (``Tender.roles_of``, ``vendor_ids_of``, ``bids_sealed``) stay on the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from tender import clock
from tender.tenders.models import OPENING_ROLES, Role, Tender

#: (user, tender, obj, now or None) -> bool
Test = Callable[[Any, Tender, Any, datetime | None], bool]


#: the answers given inside :func:`remembering` (None outside it): (test, user, tender, obj, now) -> (answer,
#: obj) (the object kept so that its id is not reused while the answers are)
_Answers = dict[tuple[Any, ...], tuple[bool, Any]]
_answers: ContextVar[_Answers | None] = ContextVar("rule_answers", default=None)


@contextmanager
def remembering() -> Iterator[None]:
    """Inside this block every rule, and every rule a combined one is made of, is worked out once per user,
    tender, object and moment, and its answer given again: the navigation asks some thirty rules built from
    a handful of facts that each cost a query (the bids opened, the evaluation model, ...). Only for
    answering many questions about one unchanged state, never around an operation that changes it."""
    token = _answers.set({})
    try:
        yield
    finally:
        _answers.reset(token)


def _remembered(test: Test) -> Test:
    def answer(u: Any, t: Tender, o: Any, n: datetime | None) -> bool:
        answers = _answers.get()
        if answers is None:
            return bool(test(u, t, o, n))
        key = (test, getattr(u, "id", None), getattr(t, "id", None), id(o) if o is not None else None, n)
        if key not in answers:
            answers[key] = (bool(test(u, t, o, n)), o)
        return answers[key][0]

    answer.remembered = True  # type: ignore[attr-defined]
    return answer


class Rule:
    """A named predicate; ``a & b``, ``a | b`` and ``~a`` make new rules (evaluated left to right, lazily)."""

    def __init__(self, name: str, test: Test) -> None:
        self.name = name
        self._test = test if getattr(test, "remembered", False) else _remembered(test)

    def __call__(self, user: Any, tender: Tender, obj: Any = None, now: datetime | None = None) -> bool:
        return bool(self._test(user, tender, obj, now))

    def __and__(self, other: Rule) -> Rule:
        return Rule(
            f"({self.name} & {other.name})",
            lambda u, t, o, n: self._test(u, t, o, n) and other._test(u, t, o, n),
        )

    def __or__(self, other: Rule) -> Rule:
        return Rule(
            f"({self.name} | {other.name})",
            lambda u, t, o, n: self._test(u, t, o, n) or other._test(u, t, o, n),
        )

    def __invert__(self) -> Rule:
        return Rule(f"~{self.name}", lambda u, t, o, n: not self._test(u, t, o, n))

    def named(self, name: str) -> Rule:
        """The same rule under the name views, templates and messages know it by."""
        return Rule(name, self._test)

    def __repr__(self) -> str:
        return f"<Rule {self.name}>"


def has_role(*roles: Role) -> Rule:
    """The user holds at least one of ``roles`` in the tender."""
    wanted = frozenset(roles)
    return Rule(
        "has_role(" + ", ".join(sorted(r.value for r in wanted)) + ")",
        lambda u, t, o, n: bool(t.roles_of(u) & wanted),
    )


# -- the role facts every domain builds on -------------------------------------------------------------
#: members see the tender; to everyone else it does not exist (404)
is_member = Rule("is_member", lambda u, t, o, n: bool(t.roles_of(u)))
is_lead = has_role(Role.LEAD).named("is_lead")
#: the procurement group: every role but the vendors' users
in_group = Rule("in_group", lambda u, t, o, n: bool(t.roles_of(u) - {Role.VENDOR}))
#: a vendor user acting for a company in the tender (their own company's bid and samples only)
is_vendor_user = Rule(
    "is_vendor_user", lambda u, t, o, n: Role.VENDOR in t.roles_of(u) and bool(t.vendor_ids_of(u))
)
#: the lead, the evaluators and the observers: the group that evaluates (not signers, not vendors)
in_evaluation_group = has_role(Role.LEAD, Role.EVALUATOR, Role.OBSERVER).named("in_evaluation_group")
#: the roles whose members may confirm the opening of the bids
in_opening_group = has_role(*OPENING_ROLES).named("in_opening_group")
#: the bid deadline has passed: bid content is no longer sealed (without a deadline it never is)
deadline_passed = Rule(
    "deadline_passed", lambda u, t, o, n: not t.bids_sealed(n if n is not None else clock.now())
)

# -- the tender itself ---------------------------------------------------------------------------------
view_tender = is_member.named("view_tender")
manage_tender = is_lead.named("manage_tender")
view_members = in_group.named("view_members")
#: the audit trail (tender.audit.views)
view_audit = is_lead.named("view_audit")

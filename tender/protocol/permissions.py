"""Who may download the procurement protocol and the archive package."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tender.tenders.models import Role, Tender
from tender.tenders.permissions import Rule, has_role, is_lead

# -- the archive package (tender.protocol.archive) -----------------------------------------------------
# The package holds every bid as received, so it goes only to those who answer for the tender's records:
# the lead, for the whole tender or for any participating municipality; and a municipality's signer, for
# the municipality it signs for, once the notices of award are issued (the award is decided and the
# municipality files its case; before that a signer sees no bid in full anywhere in the tool). Evaluators
# and observers work in the tool and file nothing; vendors never see the package.


def _notices_issued(u: Any, t: Tender, o: Any, n: datetime | None) -> bool:
    from tender.award.operations import notice_issue_of

    return notice_issue_of(t) is not None


def _signs_for(u: Any, t: Tender, o: Any, n: datetime | None) -> bool:
    return o is not None and any(m.id == getattr(o, "id", None) for m in t.signer_municipalities(u))


award_notified = Rule("award_notified", _notices_issued)
#: the lead keeps the protocol; until the notices of award the lead alone: the protocol holds the whole
#: audit trail (which only the lead sees, view_audit) and every evaluator's individual scores. Once the
#: notices are issued the award is decided and each municipality files its case: its signer gets the
#: protocol too, as in the archive package it builds for its municipality (one rule for both). Evaluators
#: and observers see what their own pages show; vendors never (403).
keep_protocol = (is_lead | (has_role(Role.SIGNER) & award_notified)).named("keep_protocol")
#: may open the archive package's page and build a package (for some municipality, or the whole tender)
build_archive = (is_lead | (has_role(Role.SIGNER) & award_notified)).named("build_archive")
#: may build the package for the municipality passed as ``obj`` (None: the whole tender, the lead only)
build_archive_for = (is_lead | (Rule("signs_for", _signs_for) & award_notified)).named("build_archive_for")

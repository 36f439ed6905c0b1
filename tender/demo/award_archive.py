"""The demo's archive packages (for the ``awarded`` stage, on top of ``negotiated``): once the contract is
signed, the lead files the package of the whole tender, and each bound municipality files its own, with its
case number from its sign-off, built by its signer (the rule lets a signer do so once the notices of award are
issued; before that, on an earlier stage, the lead builds it for the municipality). Each package's SHA-256
goes to the audit trail through ``tender.protocol.archive.build_and_record``, as the download does.
"""

from __future__ import annotations

from tender.demo import SIGNERS, _user
from tender.demo.stages import _lead
from tender.protocol.archive import build_and_record
from tender.protocol.permissions import build_archive_for
from tender.tenders.models import Tender


def file_archive_packages(tender: Tender) -> dict[str, str]:
    """Build and record the demo's archive packages: the whole tender's (key ``""``) and one per bound
    municipality (key: its kommunenummer); returns each package's SHA-256. The caller commits."""
    lead = _lead()
    built: dict[str, str] = {}
    package = build_and_record(tender, municipality=None, actor=lead)
    package.stream.close()
    built[""] = package.sha256
    for municipality in tender.bound_municipalities:
        signer = (
            _user(*SIGNERS[municipality.kommunenummer]) if municipality.kommunenummer in SIGNERS else None
        )
        actor = signer if signer is not None and build_archive_for(signer, tender, municipality) else lead
        package = build_and_record(tender, municipality=municipality, actor=actor)
        package.stream.close()
        built[municipality.kommunenummer] = package.sha256
    return built

"""The demo's protocol (for the ``awarded`` stage, on top of ``negotiated``): once the contract is signed,
the lead takes the procurement protocol out, as JSON and as PDF, the way the tender page's links do; each
download is in the audit trail. The integrator calls :func:`keep_protocol` last, after the contract."""

from __future__ import annotations

from tender.demo.stages import _lead
from tender.protocol import operations
from tender.tenders.models import Tender


def keep_protocol(tender: Tender) -> list[tuple[str, bytes]]:
    """The lead downloads the protocol as JSON and as PDF (``protocol.downloaded`` twice, in the lead's name)
    and gets the two files (file name, bytes), the ones the archive package files. The caller commits."""
    files = operations.protocol_files(tender)
    lead = _lead()
    for name, _ in files:
        operations.record_download(tender, name.rsplit(".", 1)[-1], actor=lead)
    return files

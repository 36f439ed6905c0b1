"""Who assembles, publishes, reads and downloads the tender documents.

The lead assembles and publishes. The whole group reads the draft, every version and the list of holders.
A vendor's user reads and downloads the published versions only, never a draft.

In a tender with a prequalification, every vendor user of the tender gets the published documents, invited
or not: the procurement documents are to be freely available from the announcement on (FOA § 14-1 (1),
directive 2014/24/EU art. 53), so a candidate can decide whether to ask to take part; only the bid itself
is limited to the invited (tender.bids.permissions.bid).
"""

from __future__ import annotations

from tender.tenders.permissions import in_group, is_lead, is_member, is_vendor_user

#: upload, generate, rename, remove, choose the standard agreement, publish the first version
manage_documents = is_lead.named("manage_documents")
#: the draft, every version, and who has downloaded what: the procurement group
view_document_drafts = in_group.named("view_document_drafts")
#: the documents page: every member (a vendor's user sees the published versions only)
view_tender_documents = is_member.named("view_tender_documents")
#: a vendor's user downloading published documents (each download is logged)
download_tender_documents = is_vendor_user.named("download_tender_documents")

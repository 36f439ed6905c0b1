"""Who may see a vendor's users and invite a vendor to register."""

from __future__ import annotations

from tender.tenders.permissions import Rule, is_lead, is_vendor_user
from tender.vendors.operations import is_administrator

#: the vendor's own users see who else acts for their company; the group does not manage them
view_vendor_users = is_vendor_user.named("view_vendor_users")
#: the lead sends a vendor the announcement page to register on
invite_vendor_to_register = is_lead.named("invite_vendor_to_register")
#: the vendor's administrator (``obj``, the vendor) approves or refuses those who ask to act for it
administer_vendor = Rule("administer_vendor", lambda u, t, o, n: o is not None and is_administrator(t, o, u))

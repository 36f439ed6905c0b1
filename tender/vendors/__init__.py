"""Vendors' own people: registration from a tender's public announcement page, e-mail confirmation, the
vendor's administrator approving colleagues, and the operator's command line. The procurement group
creates, invites, adds, edits or takes over no vendor account."""

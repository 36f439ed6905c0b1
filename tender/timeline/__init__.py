"""One timeline of a tender's deadlines and events, for the group and (the public part) for vendors, with the
rules between them checked (issue 13, point 5)."""

"""Corrections (rettelser og tilleggsopplysninger) to published tender documents: a new frozen, approved and
published version with its reason and a diff vendors can read (issue 13, point 3)."""

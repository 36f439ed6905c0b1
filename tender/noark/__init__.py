"""Noark 5 samples: a vendor's sample goes with the bid, so the bid's submission seals it and its receipt
names it. Bids sit below this package and may not import it: the sample registers itself as a part of the
bid."""

from tender.bids.operations import register_submitted_part
from tender.noark.operations import SamplePart

register_submitted_part(SamplePart())

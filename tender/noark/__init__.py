"""Noark 5 samples: a vendor's sample goes with the bid, so the bid's submission seals it and its receipt
names it; when the prequalification demands one, a sample goes with the request to take part the same way.
Bids and prequalification sit below this package and may not import it: the sample registers itself as a part
of the bid and of the request."""

from tender.bids.operations import register_submitted_part
from tender.noark.operations import RequestSamplePart, SamplePart
from tender.prequalification.request_operations import register_request_part

register_submitted_part(SamplePart())
register_request_part(RequestSamplePart())

"""Negotiation rounds: meetings with each vendor, reductions between rounds, and calls for revised bids (a
new sealed round, tender.bids.models.BidRound) up to the best and final offer (issue 13, point 4)."""

"""The pure domain core: no Flask, no SQLAlchemy, no other part of ``tender``.

Scoring math, specification models and the Noark 5 validator live here so the
web layer, the CLI and the tests all call the same code.
"""

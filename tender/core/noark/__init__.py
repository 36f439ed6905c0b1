"""Noark 5 archival extract (arkivuttrekk) validation."""

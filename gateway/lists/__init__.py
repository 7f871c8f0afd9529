"""Canonical lists (API.md section 4): cursors, one connection's pages, fan-out over
several.
"""

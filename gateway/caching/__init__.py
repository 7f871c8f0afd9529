"""The read cache (API.md section 5): entries, tags, and answering GETs through it."""

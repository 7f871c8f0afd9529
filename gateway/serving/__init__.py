"""Serving the app: uvicorn with limits, and the --workers supervisor."""

"""Inventorum: retail POS customers, API v9 and v10, OAuth2 client credentials."""

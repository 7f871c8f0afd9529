"""The edge: API keys, requests as plain values, endpoints declared once, query models,
middleware and the OpenAPI document derived from them.
"""

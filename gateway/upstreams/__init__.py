"""The way out to upstreams: live connections, their transport and auth, and the egress
policy.
"""

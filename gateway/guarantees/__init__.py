"""What every request is held to across instances: Idempotency-Key (section 7), quotas
(section 8), the audit log (section 11).
"""

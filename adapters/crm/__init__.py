"""The generic CRM: customers, contacts, orders, analytics, credit checks."""

"""HubSpot CRM (v3 objects API): companies as customers, their associated contacts."""

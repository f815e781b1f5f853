"""Consent: consent forms and records, identifiable participant details, withdrawal."""

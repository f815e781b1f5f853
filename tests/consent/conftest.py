"""Fixtures of the consent tests."""

from consent_pages_world import pages_world  # noqa: F401  (the consent pages' study)

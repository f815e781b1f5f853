"""Fixtures for study tests: a study with a signed-in facilitator."""

from __future__ import annotations

import pytest

from peer_research.studies.models import Role


@pytest.fixture
def facilitator(client, auth, make_member):
    """Return the membership of a signed-in facilitator of a new study."""
    membership = make_member(roles=[Role.FACILITATOR], display_name="Sam Okafor")
    auth.sign_in(membership.user)
    return membership

"""Studies: members, roles and invitations."""

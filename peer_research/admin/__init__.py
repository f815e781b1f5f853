"""Site administration: studies and people across the whole site."""

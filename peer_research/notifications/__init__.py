"""In-app notifications and e-mail, with each member's choice of what they get."""

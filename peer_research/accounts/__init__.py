"""Accounts: people, passwords, sign-in and password resets."""

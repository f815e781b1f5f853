"""Fielding: interviews on tablets, offline first, and the sync that brings them home."""

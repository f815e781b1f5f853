"""Wellbeing: check-ins before and debriefs after interviews, alerts to support leads.

Reached from outside only through `peer_research.wellbeing.services`.
"""

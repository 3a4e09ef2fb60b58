"""Reporters: they only format findings."""

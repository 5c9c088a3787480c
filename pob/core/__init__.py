"""Foundations below every wing: refusals, media types."""

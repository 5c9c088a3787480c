"""The publishing wing."""

"""The validation wing."""

"""The graph wing."""

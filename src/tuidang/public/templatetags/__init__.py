"""Template filters of the public site."""

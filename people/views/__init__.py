"""Views of the people app, one module per concept; each module lists its own URL patterns."""

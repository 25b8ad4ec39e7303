"""Views of the roadmap app, one module per concept; each module lists its own URL patterns."""

"""Views of the mentoring app, one module per concept; each module lists its own URL patterns."""

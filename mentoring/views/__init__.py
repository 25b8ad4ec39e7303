"""Views of the mentoring app, one module per concept; the app's urls.py lists every address."""

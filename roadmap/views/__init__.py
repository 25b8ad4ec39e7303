"""Views of the roadmap app, one module per concept; the app's urls.py lists every address."""

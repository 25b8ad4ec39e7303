"""Views of the people app, one module per concept; the app's urls.py lists every address."""

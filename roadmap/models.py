"""The roadmap, its stages and activities, and orders live here (see the roadmap and orders issues)."""

"""Technical helpers shared by every app; knows no app."""

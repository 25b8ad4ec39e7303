"""Pairs, groups, personalised programmes and monitoring live here (see the pairs and monitoring issues)."""

"""Questionnaires: the organisation's question sets, rounds launched by the curator, participants' answers."""

urlpatterns: list = []

"""The banks of mentees and mentors and the training of mentors (stages 2–4 of the roadmap).

The pages live in three modules, one per concept; this one gathers their URL patterns for people/urls.py.
"""

from people.views import mentee_bank, mentor_bank, training

urlpatterns = [*mentee_bank.urlpatterns, *mentor_bank.urlpatterns, *training.urlpatterns]

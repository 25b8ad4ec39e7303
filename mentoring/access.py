"""Who may see and change pairs and groups, and the one way views reach a pair or group."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from mentoring.models import Mentorship, ProgrammeTemplate
from people.access import OrgAccess
from people.models import Role

# The head and the methodical council follow pairs; forming them and deciding on requests is the curator's job
# (and the administrator's, who often keeps the records for the curator).
PAIR_VIEWERS = (Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN, Role.Kind.COUNCIL)
PAIR_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)


def get_mentorship_for_user(access: OrgAccess, pk: int, *, editing: bool = False) -> Mentorship:
    """A pair or group of the organisation: any for those who follow pairs, one's own for its participants."""
    qs = Mentorship.objects.for_org(access.org).select_related("mentor", "form", "organization")
    if editing:
        if not access.has(*PAIR_EDITORS):
            raise Http404
    elif not access.has(*PAIR_VIEWERS):
        qs = qs.filter(Q(mentor=access.person) | Q(mentees=access.person)).distinct()
    return get_object_or_404(qs, pk=pk)


# The curator keeps the organisation's programme templates (the administrator may keep them for the curator).
TEMPLATE_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)


def get_template_for_user(access: OrgAccess, pk: int) -> ProgrammeTemplate:
    """A programme template of the organisation, for those who keep them; 404 for everyone else."""
    if not access.has(*TEMPLATE_EDITORS):
        raise Http404
    return get_object_or_404(ProgrammeTemplate.objects.filter(organization=access.org), pk=pk)

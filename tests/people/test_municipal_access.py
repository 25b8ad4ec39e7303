"""The municipal coordinator's pages open to that coordinator only."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from people.models import Municipality


def test_only_the_coordinator_opens_the_municipality(org, client, curator, head):
    coordinator = get_user_model().objects.create_user("coordinator", password="x-pass-12345")
    municipality = Municipality.objects.create(slug="gorod", name="Городской округ", coordinator=coordinator)
    org.municipal_unit = municipality
    org.save(update_fields=["municipal_unit"])
    url = reverse("municipal_home", args=[municipality.slug])

    # Staff of the municipality's own organisations are not its coordinator.
    assert curator.client.get(url).status_code == 404
    assert head.client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    assert client.get(reverse("municipal_home", args=["elsewhere"])).status_code == 404
    # A coordinator without roles in any organisation lands on their municipality.
    assert client.get(reverse("home")).url == url

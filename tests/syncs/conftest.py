import pytest


@pytest.fixture
def coordinators_group(db):
    from django.contrib.auth.models import Group

    from blogsync.syncs.coordinators import COORDINATORS_GROUP

    return Group.objects.get(name=COORDINATORS_GROUP)


@pytest.fixture
def make_coordinator(coordinators_group, django_user_model):
    def make(username):
        user = django_user_model.objects.create_user(
            username, f"{username}@example.org", "a-long-test-password", is_staff=True
        )
        user.groups.add(coordinators_group)
        return user

    return make


@pytest.fixture
def alice(make_coordinator):
    return make_coordinator("alice")


@pytest.fixture
def bob(make_coordinator):
    return make_coordinator("bob")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client

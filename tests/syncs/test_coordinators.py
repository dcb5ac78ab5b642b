import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from blogsync.syncs.coordinators import COORDINATORS_GROUP, permission_codenames


def create_coordinator(*args):
    output = StringIO()
    call_command("create_coordinator", *args, stdout=output)
    return output.getvalue()


def link_path(output):
    match = re.search(r"https?://[^/\s]+(/\S+)", output)
    assert match, output
    return match.group(1)


@pytest.mark.django_db
def test_migration_creates_group_with_permissions():
    group = Group.objects.get(name=COORDINATORS_GROUP)
    granted = set(group.permissions.values_list("codename", flat=True))
    assert granted == set(permission_codenames())
    assert "change_entry" in granted
    assert "delete_entry" not in granted
    assert "delete_topic" not in granted


@pytest.mark.django_db
def test_command_creates_staff_coordinator(django_user_model):
    output = create_coordinator("alice", "alice@example.org")
    alice = django_user_model.objects.get(username="alice")
    assert alice.is_staff
    assert not alice.is_superuser
    assert not alice.has_usable_password()
    assert alice.groups.filter(name=COORDINATORS_GROUP).exists()
    assert alice.has_perm("syncs.change_entry")
    assert "one-time link" in output
    assert "after 3 days:" in output


@pytest.mark.django_db
def test_password_link_works_once(client, django_user_model):
    path = link_path(create_coordinator("alice", "alice@example.org"))
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {
            "new_password1": "correct horse battery staple",
            "new_password2": "correct horse battery staple",
        },
    )
    assert response.status_code == 302
    alice = django_user_model.objects.get(username="alice")
    assert alice.check_password("correct horse battery staple")
    client.logout()
    second = client.get(path, follow=True)
    assert second.context["validlink"] is False


@pytest.mark.django_db
def test_new_coordinator_can_log_in(client, django_user_model):
    path = link_path(create_coordinator("bob", "bob@example.org"))
    set_password_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(
        set_password_url,
        {"new_password1": "a sturdy pass phrase", "new_password2": "a sturdy pass phrase"},
    )
    client.logout()
    assert client.login(username="bob", password="a sturdy pass phrase")
    assert client.get("/admin/syncs/entry/").status_code == 200


@pytest.mark.django_db
def test_existing_user_needs_new_link_flag(django_user_model):
    django_user_model.objects.create_user("alice", "alice@example.org", "an-old-password")
    with pytest.raises(CommandError, match="--new-link"):
        create_coordinator("alice", "alice@example.org")
    output = create_coordinator("alice", "alice@example.org", "--new-link")
    alice = django_user_model.objects.get(username="alice")
    assert alice.is_staff
    assert alice.check_password("an-old-password")
    assert alice.groups.filter(name=COORDINATORS_GROUP).exists()
    assert "one-time link" in output


@pytest.mark.django_db
def test_invalid_email_rejected(django_user_model):
    with pytest.raises(CommandError, match="not a valid email address"):
        create_coordinator("alice", "alice-at-example")
    assert not django_user_model.objects.exists()


@pytest.mark.django_db
def test_password_prompt(monkeypatch, django_user_model):
    answers = iter(["a sturdy pass phrase", "a sturdy pass phrase"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    output = create_coordinator("alice", "alice@example.org", "--password-prompt")
    alice = django_user_model.objects.get(username="alice")
    assert alice.check_password("a sturdy pass phrase")
    assert "link" not in output


@pytest.mark.django_db
def test_password_prompt_rejects_weak(monkeypatch, django_user_model):
    answers = iter(["12345678", "12345678"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="too common"):
        create_coordinator("alice", "alice@example.org", "--password-prompt")
    assert not django_user_model.objects.exists()

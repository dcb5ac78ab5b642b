"""Create a coordinator: a staff user in the Coordinators group.

The user starts without a usable password. The command prints a one-time link to set
one (valid for PASSWORD_RESET_TIMEOUT seconds, three days by default, and only until
the password is set), or prompts for the password with --password-prompt.
"""

import getpass

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from blogsync.syncs.coordinators import ensure_coordinators_group
from blogsync.syncs.durations import duration_in_words


def password_set_link(user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    return settings.SITE_URL + path


class Command(BaseCommand):
    help = "Create a staff user in the Coordinators group and print a link to set a password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument(
            "--password-prompt",
            action="store_true",
            help="Ask for the password here instead of printing a link.",
        )
        parser.add_argument(
            "--new-link",
            action="store_true",
            help="The user exists already: add them to the group and print a new link.",
        )

    def handle(self, *args, username, email, password_prompt, new_link, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid email address.") from None

        User = get_user_model()
        existing = User.objects.filter(username=username).first()
        if existing is not None and not new_link:
            raise CommandError(
                f"A user named {username!r} exists already; add --new-link to make them a "
                "coordinator and print a new password-set link."
            )

        password = self.read_password(username, email) if password_prompt else None
        with transaction.atomic():
            group = ensure_coordinators_group(Group, Permission)
            user = existing or User(username=username)
            user.email = email
            user.is_staff = True
            if password is None:
                if existing is None:
                    user.set_unusable_password()
            else:
                user.set_password(password)
            user.save()
            user.groups.add(group)

        self.stdout.write(f"Coordinator {username!r} is ready (user id {user.pk}).")
        if password is None:
            self.stdout.write(
                "Send them this one-time link to set their password; it stops working once "
                f"used or after {duration_in_words(settings.PASSWORD_RESET_TIMEOUT)}:\n"
                + password_set_link(user)
            )

    def read_password(self, username: str, email: str) -> str:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was created.")
        User = get_user_model()
        try:
            password_validation.validate_password(password, User(username=username, email=email))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password

import pytest
from django.core.management import call_command

from tests.following.smtp_sink import RecordingHandler, start_server

SITE = "https://hub.example.org"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def smtp(settings, site):
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend sends to."""
    handler = RecordingHandler()
    controller = start_server(handler)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield handler
    handler.release.set()
    controller.stop()


@pytest.fixture
def run_worker():
    """Run the database task worker until the queue is empty."""

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


@pytest.fixture
def make_subscriber(series):
    from django.utils import timezone

    from blogsync.following.models import Subscriber

    def make(email, confirmed=True, **fields):
        return Subscriber.objects.create(
            series=series,
            email=email,
            confirmed_at=timezone.now() if confirmed else None,
            **fields,
        )

    return make

"""System checks for `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

W001 = Warning(
    "BLOGSYNC_FETCH_ALLOW_LOOPBACK is on, so the fetcher may connect to this machine's "
    "own services when a submitted URL names them.",
    hint="Unset BLOGSYNC_FETCH_ALLOW_LOOPBACK (or set it to false) in production; only "
    "tests and local development need it.",
    id="blogsync.W001",
)


@register(Tags.security, deploy=True)
def check_fetch_loopback(app_configs, **kwargs):
    if getattr(settings, "BLOGSYNC_FETCH_ALLOW_LOOPBACK", False):
        return [W001]
    return []

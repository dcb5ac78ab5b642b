from io import StringIO

from django.core.checks import run_checks
from django.core.management import call_command


def deploy_check_ids():
    return {message.id for message in run_checks(include_deployment_checks=True)}


def test_deploy_check_warns_on_loopback(settings):
    settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK = True
    assert "blogsync.W001" in deploy_check_ids()


def test_deploy_check_quiet_without_loopback(settings):
    settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK = False
    assert "blogsync.W001" not in deploy_check_ids()


def test_plain_check_skips_deploy_warning(settings):
    settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK = True
    messages = run_checks(include_deployment_checks=False)
    assert "blogsync.W001" not in {message.id for message in messages}


def test_check_deploy_command_prints_warning(settings):
    settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK = True
    output = StringIO()
    # The suite's own environment sets DJANGO_ALLOW_ASYNC_UNSAFE, an error under
    # --deploy, so the command runs with --fail-level CRITICAL.
    call_command("check", "--deploy", "--fail-level", "CRITICAL", stdout=output, stderr=output)
    assert "blogsync.W001" in output.getvalue()
    assert "BLOGSYNC_FETCH_ALLOW_LOOPBACK" in output.getvalue()

"""The Webmention and Pingback endpoints, and the status page of a mention.

The endpoints take requests from other sites, not from browsers, so they are exempt
from CSRF checks; they set no cookie and read no session.
"""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from blogsync.mentions import receiving, xmlrpc_messages
from blogsync.mentions.models import Mention, MentionProtocol, MentionState
from blogsync.mentions.tasks import verify_mention_task
from blogsync.mentions.verification import source_already_registered, verify
from blogsync.syncs.caching import public_page

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    # NOTE: REMOTE_ADDR is the proxy's address when the hub runs behind a reverse
    # proxy, so per-client limits then count all clients together.
    # An IPv6 zone (fe80::1%eth0) is dropped: the database's inet type rejects it.
    value = request.META.get("REMOTE_ADDR", "").split("%")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


def _method_not_allowed(what: str) -> HttpResponse:
    response = _plain(f"This is the {what} endpoint of this hub; send a POST request.", 405)
    response["Allow"] = "POST"
    return response


@csrf_exempt
def webmention_endpoint(request):
    """Receive a Webmention: a form-encoded POST of `source` and `target`.

    Anyone may send one. The synchronous checks return 400 (bad URLs, a target that is
    not a topic page), 403 (a blocked host) or 429 (rate limit, with Retry-After);
    otherwise the mention is queued for verification and the response is 202 Accepted
    with the status page in Location.
    """
    if request.method != "POST":
        return _method_not_allowed("Webmention")
    mention_request = receiving.Request(
        source=request.POST.get("source", ""),
        target=request.POST.get("target", ""),
        protocol=MentionProtocol.WEBMENTION,
        client_ip=client_ip(request),
        request_host=request.get_host(),
    )
    try:
        mention = receiving.receive(mention_request)
    except receiving.RequestRejected as rejection:
        response = _plain(rejection.message, rejection.status)
        if rejection.retry_after:
            response["Retry-After"] = str(rejection.retry_after)
        return response

    verify_mention_task.enqueue(mention.pk)
    status_url = request.build_absolute_uri(mention.get_absolute_url())
    response = _plain(
        f"Thank you. The Webmention is queued: the hub will fetch {mention.source} and "
        f"check that it links to the topic page. Its status is at {status_url}",
        202,
    )
    response["Location"] = status_url
    return response


def _xml(body: bytes, retry_after: int | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type="text/xml; charset=utf-8")
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@csrf_exempt
def pingback_endpoint(request):
    """Receive a Pingback: an XML-RPC call of pingback.ping(sourceURI, targetURI).

    The body is read as XML-RPC whatever its declared content type. Verification runs
    during the request, through the safe fetcher with BLOGSYNC_PINGBACK_TIMEOUT, so
    that the response can carry the Pingback 1.0 fault code (16, 17, 50) the sender
    expects. The other checks return 0, 32, 33, 48 or 49.
    """
    if request.method != "POST":
        return _method_not_allowed("Pingback (XML-RPC)")
    declared_length = request.META.get("CONTENT_LENGTH") or "0"
    if declared_length.isdigit() and int(declared_length) > xmlrpc_messages.MAX_BODY_BYTES:
        return _xml(
            xmlrpc_messages.fault(
                receiving.FAULT_GENERIC,
                f"The request is larger than {xmlrpc_messages.MAX_BODY_BYTES:,} bytes.",
            )
        )
    try:
        method, params = xmlrpc_messages.parse_call(request.body)
    except xmlrpc_messages.XMLRPCError as error:
        logger.info("Pingback from %s rejected: %s", client_ip(request), error)
        return _xml(xmlrpc_messages.fault(receiving.FAULT_GENERIC, str(error)))
    if method != "pingback.ping":
        return _xml(
            xmlrpc_messages.fault(
                receiving.FAULT_GENERIC,
                f"The method {method[:100]!r} is not supported; this endpoint supports "
                "pingback.ping only.",
            )
        )
    if len(params) != 2 or not all(isinstance(value, str) for value in params):
        return _xml(
            xmlrpc_messages.fault(
                receiving.FAULT_GENERIC,
                "pingback.ping takes two strings: the source URI and the target URI.",
            )
        )

    mention_request = receiving.Request(
        source=params[0],
        target=params[1],
        protocol=MentionProtocol.PINGBACK,
        client_ip=client_ip(request),
        request_host=request.get_host(),
    )
    try:
        mention = receiving.receive(mention_request)
    except receiving.RequestRejected as rejection:
        return _xml(
            xmlrpc_messages.fault(rejection.fault, rejection.message),
            retry_after=rejection.retry_after,
        )

    if source_already_registered(mention.topic, mention.source):
        mention.state = MentionState.REJECTED
        mention.error = "The pingback has already been registered."
        mention.verified_at = timezone.now()
        mention.save(update_fields=["state", "error", "verified_at"])
        logger.info(
            "Pingback %s: %s is already registered for topic %s",
            mention.pk,
            mention.source,
            mention.topic_id,
        )
        return _xml(xmlrpc_messages.fault(receiving.FAULT_ALREADY_REGISTERED, mention.error))

    outcome = verify(mention.pk, timeout=settings.BLOGSYNC_PINGBACK_TIMEOUT)
    if not outcome.accepted:
        return _xml(
            xmlrpc_messages.fault(outcome.fault or receiving.FAULT_GENERIC, outcome.message)
        )
    return _xml(
        xmlrpc_messages.success(
            f"Thank you: the pingback from {mention.source} was registered. {outcome.message}"
        )
    )


@public_page
def mention_status(request, token):
    """Show the state of one mention in plain words; only its sender is given the URL."""
    mention = get_object_or_404(
        Mention.objects.select_related("topic__series", "entry"), token=token
    )
    return render(
        request,
        "mentions/status.html",
        {"mention": mention, "topic": mention.topic, "series": mention.topic.series},
    )

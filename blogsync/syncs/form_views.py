"""Pages with forms: sign up, confirm a sign-up, submit an entry, propose a topic.

The entry form's script reads a post's title from its page through a JSON endpoint.
Without the script, the form itself does it as a second step.

Anyone may use them without an account. Form pages carry a CSRF token, so they are
never cached. After a successful POST each redirects to a thank-you page, which is a
public page like any other. A submission that fills the honeypot field gets the same
redirect and is dropped with a log line.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from blogsync.fetching.urlnorm import canonical_key, normalise_url
from blogsync.syncs import signups, titles
from blogsync.syncs.forms import (
    EntryForm,
    HttpUrlField,
    ProposalForm,
    RenewLinkForm,
    SignUpForm,
    is_honeypot_filled,
)
from blogsync.syncs.models import EntrySource, Proposal, Series, SignUp, Topic, TopicState
from blogsync.syncs.services import (
    DuplicateEntry,
    add_entry,
    find_duplicate,
    find_or_create_contributor,
    reconcile_name,
)

logger = logging.getLogger(__name__)

require_form_methods = require_http_methods(["GET", "HEAD", "POST"])


def _get_topic(series_slug: str, number: int) -> Topic:
    return get_object_or_404(
        Topic.objects.select_related("series"), series__slug=series_slug, number=number
    )


def _closed_page(request, topic, action: str, state: TopicState):
    """Explain why the form of `action` ("signup" or "submit") is not available."""
    return render(
        request,
        "syncs/form_unavailable.html",
        {"series": topic.series, "topic": topic, "action": action, "state": state},
        status=200 if request.method == "GET" else 409,
    )


def _discard_robot(request, form_name: str, object_id) -> None:
    logger.info(
        "Discarded %s form for %s: honeypot filled (from %s)",
        form_name,
        object_id,
        request.META.get("REMOTE_ADDR", "unknown address"),
    )


@never_cache
@require_form_methods
def signup(request, series, number):
    """Sign up to write on a topic while it is open for sign-ups."""
    topic = _get_topic(series, number)
    state = topic.state
    if state != TopicState.OPEN:
        return _closed_page(request, topic, "signup", state)
    thanks = reverse("syncs:signup_thanks", kwargs={"series": series, "number": number})

    if request.method == "POST":
        if is_honeypot_filled(request.POST):
            _discard_robot(request, "sign-up", f"topic {topic.pk}")
            return redirect(thanks)
        form = SignUpForm(request.POST, topic=topic)
        if form.is_valid():
            data = form.cleaned_data
            signups.sign_up(
                topic,
                name=data["name"],
                email=data["email"],
                blog_url=data["blog_url"],
                social_handle=data["social_handle"],
                partner_opt_out=data.get("partner_opt_out", False),
            )
            return redirect(thanks)
    else:
        form = SignUpForm(topic=topic)
    return render(
        request, "syncs/signup_form.html", {"series": topic.series, "topic": topic, "form": form}
    )


@never_cache
@require_form_methods
def submit_entry(request, series, number):
    """Submit a post to a topic, where it waits for a coordinator's approval.

    Posts arriving after the deadline are accepted and labelled late until the list
    is published. Before sign-up opens and after publication the form is closed.
    """
    topic = _get_topic(series, number)
    state = topic.state
    if state not in (TopicState.OPEN, TopicState.CLOSED):
        return _closed_page(request, topic, "submit", state)
    thanks = reverse("syncs:submit_thanks", kwargs={"series": series, "number": number})

    if request.method == "POST":
        if is_honeypot_filled(request.POST):
            _discard_robot(request, "entry", f"topic {topic.pk}")
            return redirect(thanks)
        form = EntryForm(request.POST, topic=topic)
        if form.is_valid() and not form.cleaned_data["title"]:
            form = _fill_in_title(request, topic, form)
        elif form.is_valid():
            entry = _store_entry(topic, form)
            if entry is not None:
                logger.info(
                    "Entry %s submitted by form to topic %s by contributor %s",
                    entry.pk,
                    topic.pk,
                    entry.contributor_id,
                )
                if entry.is_late:
                    thanks += "?late=1"
                return redirect(thanks)
    else:
        form = EntryForm(topic=topic)
    return render(
        request, "syncs/entry_form.html", {"series": topic.series, "topic": topic, "form": form}
    )


FILLED_IN_NOTE = "We filled in the title from your post's page; check it and submit again."
NO_TITLE = "the page does not declare a title"
LOOKUP_FAILED = "We could not read a title from that page: {}. Please type the title."


def _fill_in_title(request, topic, form):
    """Read the title from the post's page and return the form to show again.

    On success the form comes back unbound, with the title filled in and a note beside
    it, so nothing is stored until the writer submits it again. On failure the bound
    form carries the reason beside the title field.
    """
    url = form.cleaned_data["url"]
    try:
        page = titles.look_up_title(url, client=client_address(request))
    except titles.LookupFailed as failure:
        form.add_error("title", LOOKUP_FAILED.format(failure.reason))
        return form

    existing = find_duplicate(topic, url, page.canonical_url)
    if existing is not None:
        logger.info(
            "Entry for topic %s rejected: its page's canonical URL is entry %s",
            topic.pk,
            existing.pk,
        )
        form.add_error("url", form.duplicate_message(existing))
        return form
    if not page.title:
        form.add_error("title", LOOKUP_FAILED.format(NO_TITLE))
        return form

    initial = {name: form.cleaned_data.get(name, "") for name in ("url", "name", "email")}
    filled = EntryForm(initial={**initial, "title": page.title, "page": page.token}, topic=topic)
    filled.fields["title"].help_text = FILLED_IN_NOTE
    return filled


@never_cache
@require_http_methods(["GET", "HEAD"])
def submit_title(request, series, number):
    """Return the title read from the page at `?url=` as JSON, for the entry form's
    script: 200 `{"title", "page"}`, or `{"error"}` with 400 for a missing or invalid
    URL, 409 when the topic takes no posts, 422 when no title could be read and 429
    when the client asked too often. Never cached, because each response comes from
    a fresh fetch for one person."""
    topic = _get_topic(series, number)
    if topic.state not in (TopicState.OPEN, TopicState.CLOSED):
        return _json_error("This topic is not taking posts.", 409)
    url_field = HttpUrlField(error_messages={"required": "The url parameter is missing."})
    try:
        url = url_field.clean(request.GET.get("url", "").strip())
    except ValidationError as error:
        return _json_error(" ".join(error.messages), 400)
    try:
        page = titles.look_up_title(url, client=client_address(request))
    except titles.LookupFailed as failure:
        message = LOOKUP_FAILED.format(failure.reason)
        if failure.rate_limited:
            response = _json_error(message, 429)
            response["Retry-After"] = "60"
            return response
        return _json_error(message, 422)
    if not page.title:
        return _json_error(LOOKUP_FAILED.format(NO_TITLE), 422)
    return JsonResponse({"title": page.title, "page": page.token})


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def client_address(request) -> str:
    # NOTE: behind a reverse proxy REMOTE_ADDR is the proxy's address, so the
    # per-client limit of title lookups then counts all clients together.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _store_entry(topic, form):
    """Add the form's entry, or put the duplicate message on the form and return None."""
    data = form.cleaned_data
    try:
        contributor = find_or_create_contributor(data["name"], email=data["email"])
    except IntegrityError:
        # A simultaneous request created the contributor with this email address.
        logger.info(
            "Contributor for an entry to topic %s was created by a simultaneous "
            "request; reusing it",
            topic.pk,
        )
        contributor = find_or_create_contributor(data["name"], email=data["email"])
    # Store the page's declared permalink rather than a `?p=123` form of it, so that
    # the list links the address the writer's blog prefers and a feed item for the
    # same post (stored by its permalink) is found as a duplicate.
    url = data["url"]
    if data.get("canonical_url") and canonical_key(url, data["canonical_url"]) != normalise_url(
        url
    ):
        url = data["canonical_url"]
    try:
        # One transaction, so that a rejected duplicate does not rename the contributor.
        with transaction.atomic():
            review_note = reconcile_name(contributor, data["name"])
            return add_entry(
                topic,
                contributor,
                url=url,
                title=data["title"],
                source=EntrySource.FORM,
                review_note=review_note,
            )
    except DuplicateEntry as error:
        # Another submission of the same URL arrived between validation and saving.
        logger.info(
            "Entry for topic %s rejected as a duplicate of entry %s", topic.pk, error.existing.pk
        )
        form.add_error("url", form.duplicate_message(error.existing))
        return None


@never_cache
@require_form_methods
def propose(request, series):
    """Propose a future topic, which coordinators review in the admin."""
    series = get_object_or_404(Series, slug=series)
    thanks = reverse("syncs:propose_thanks", kwargs={"series": series.slug})

    if request.method == "POST":
        if is_honeypot_filled(request.POST):
            _discard_robot(request, "proposal", f"series {series.pk}")
            return redirect(thanks)
        form = ProposalForm(request.POST)
        if form.is_valid():
            proposal = Proposal.objects.create(
                series=series,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                proposer_name=form.cleaned_data["proposer_name"],
                proposer_email=form.cleaned_data["proposer_email"],
            )
            logger.info("Proposal %s received for series %s", proposal.pk, series.pk)
            return redirect(thanks)
    else:
        form = ProposalForm()
    return render(request, "syncs/proposal_form.html", {"series": series, "form": form})


@never_cache
@require_form_methods
def confirm_signup(request, token):
    """Confirm the sign-up named by a signed link from the confirmation email.

    GET shows a page with a button, and only its POST confirms, because mail scanners
    and link previews open links in emails that nobody has read.
    """
    try:
        signup_id = signups.signup_id_from_token(
            token, max_age=settings.BLOGSYNC_CONFIRMATION_MAX_AGE
        )
    except signups.ExpiredToken as error:
        logger.info("Expired confirmation link for sign-up %s opened", error.signup_id)
        return render(
            request,
            "syncs/signup_link_expired.html",
            {"form": RenewLinkForm(initial={"token": token})},
            status=410,
        )
    except signups.InvalidToken:
        logger.info("Invalid confirmation link opened")
        return _invalid_link(request)

    if request.method == "POST":
        signup = signups.confirm(signup_id)
    else:
        signup = (
            SignUp.objects.select_related("topic__series", "contributor")
            .filter(pk=signup_id)
            .first()
        )
    if signup is None:
        logger.info("Confirmation link for sign-up %s, which no longer exists", signup_id)
        return _invalid_link(request)
    context = {
        "series": signup.topic.series,
        "topic": signup.topic,
        "signup": signup,
        "token": token,
    }
    if not signup.is_confirmed:
        return render(request, "syncs/signup_confirm.html", context)
    return render(request, "syncs/signup_confirmed.html", {**context, "now": timezone.now()})


def _invalid_link(request):
    return render(request, "syncs/signup_link_invalid.html", status=400)


@never_cache
def renew_signup_link(request):
    """Send a fresh confirmation link for the sign-up of an expired link."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RenewLinkForm(request.POST)
    if not form.is_valid():
        return _invalid_link(request)
    try:
        signup_id = signups.signup_id_from_token(form.cleaned_data["token"])
    except signups.InvalidToken:
        logger.info("New link requested with an invalid token")
        return _invalid_link(request)
    if not signups.renew_link(signup_id):
        return _invalid_link(request)
    return redirect("syncs:signup_link_sent")

"""The public forms: sign up, submit an entry, propose a topic, ask for a new link.

Each form carries a honeypot field that is hidden from people, and the views discard
a submission that fills it. Validation messages are plain British English and sit next
to the field they are about.
"""

import unicodedata
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.html import format_html

from blogsync.fetching.addresses import parse_ip_literal, refusal_reason
from blogsync.syncs.models import EntryStatus
from blogsync.syncs.services import find_duplicate
from blogsync.syncs.titles import canonical_url_from_token

URL_MAX_LENGTH = 1000
HONEYPOT_FIELD = "hp_note"

URL_ERROR = "Enter the full address of the page, starting with https:// or http://."
BLOG_URL_ERROR = "Enter the full address of your blog, starting with https:// or http://."
NOT_PUBLIC_ERROR = (
    "That address is not on the public internet. Enter the address of your public blog."
)

# Characters that change how the text around them is shown: the bidirectional
# embeddings and overrides (U+202A to U+202E) and isolates (U+2066 to U+2069), which
# can make a name or title read differently from what it contains.
BIDI_CONTROLS = frozenset(chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def strip_unsafe_characters(text: str, *, keep_newlines: bool = False) -> str:
    """Remove control characters (Unicode category Cc) and bidi controls from `text`.

    Tabs become spaces. Line breaks are kept only with `keep_newlines`.
    """
    kept = []
    for character in text:
        if character in BIDI_CONTROLS:
            continue
        if unicodedata.category(character) == "Cc":
            if character == "\t":
                kept.append(" ")
            elif character == "\n" and keep_newlines:
                kept.append(character)
            continue
        kept.append(character)
    return "".join(kept)


class PlainTextField(forms.CharField):
    """A line of text for names and titles, without control or bidi characters."""

    def to_python(self, value):
        value = super().to_python(value)
        cleaned = strip_unsafe_characters(value)
        if self.strip:
            cleaned = cleaned.strip()
        return cleaned


class PlainTextAreaField(forms.CharField):
    """Several lines of text, without control or bidi characters except line breaks."""

    def to_python(self, value):
        value = super().to_python(value).replace("\r\n", "\n")
        cleaned = strip_unsafe_characters(value, keep_newlines=True)
        if self.strip:
            cleaned = cleaned.strip()
        return cleaned


def validate_public_host(value: str) -> None:
    """Reject a URL whose host is an IP literal or `localhost` off the public internet.

    The fetcher refuses such addresses anyway, so the form reports the error beside
    the field instead of storing an address that can never be checked. Host names are
    not resolved here: the fetcher checks the addresses they resolve to when it connects.
    Loopback is allowed when settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK is on (tests and
    local development), as in the fetcher.
    """
    try:
        host = (urlsplit(value).hostname or "").rstrip(".").lower()
    except ValueError:
        return  # URLValidator reports the malformed URL.
    if not host:
        return
    allow_loopback = settings.BLOGSYNC_FETCH_ALLOW_LOOPBACK
    if host == "localhost" or host.endswith(".localhost"):
        if allow_loopback:
            return
        raise ValidationError(NOT_PUBLIC_ERROR, code="not_public")
    try:
        address = parse_ip_literal(host)
    except ValueError:
        raise ValidationError(NOT_PUBLIC_ERROR, code="not_public") from None
    if address is not None and refusal_reason(address, allow_loopback=allow_loopback):
        raise ValidationError(NOT_PUBLIC_ERROR, code="not_public")


class HttpUrlField(forms.CharField):
    """An absolute http or https URL whose host is not a non-public IP literal or localhost.

    Django's URLField also accepts ftp and adds a scheme to addresses without one. A
    post's address must be absolute, so that readers can follow it from anywhere.
    `invalid_message` is the error for an address that is not an absolute http(s) URL.
    """

    widget = forms.URLInput

    def __init__(self, *, invalid_message=URL_ERROR, **kwargs):
        kwargs.setdefault("max_length", URL_MAX_LENGTH)
        kwargs["error_messages"] = {
            "max_length": (
                "This address is too long: it may have at most %(limit_value)d "
                "characters, and it has %(show_value)d."
            ),
            **kwargs.get("error_messages", {}),
        }
        kwargs["validators"] = [
            URLValidator(schemes=["http", "https"], message=invalid_message),
            validate_public_host,
            *kwargs.get("validators", []),
        ]
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "url")
        attrs.setdefault("autocomplete", "url")
        attrs.setdefault("spellcheck", "false")
        return attrs


class PublicForm(forms.Form):
    """A form with a honeypot field and error descriptions for screen readers."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The honeypot is hidden with CSS and aria-hidden, so people do not fill it.
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            label="Leave this field empty",
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )

    def visible_public_fields(self):
        return [field for field in self if field.name != HONEYPOT_FIELD]

    def honeypot_field(self):
        return self[HONEYPOT_FIELD]

    def full_clean(self):
        super().full_clean()
        # Point each invalid input at its message, so that a screen reader reads the
        # message when the input gets focus.
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described_by = [f"{bound.auto_id}_error"]
            if bound.help_text:
                described_by.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described_by)


def is_honeypot_filled(data) -> bool:
    """Check whether a submission filled the field that only robots see."""
    return bool(data.get(HONEYPOT_FIELD, "").strip())


class ContributorFieldsMixin(forms.Form):
    name = PlainTextField(
        max_length=200,
        label="Your name",
        help_text="Shown in the list next to your post: a real name, a pseudonym or a handle.",
        error_messages={"required": "Enter your name as you would like it to appear."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        max_length=254,
        label="Your email address",
        help_text="Never shown on the site.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address such as name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SignUpForm(ContributorFieldsMixin, PublicForm):
    blog_url = HttpUrlField(
        invalid_message=BLOG_URL_ERROR,
        label="Your blog's address",
        error_messages={"required": "Enter your blog's address."},
    )
    social_handle = PlainTextField(
        required=False,
        max_length=100,
        label="Your social media handle (optional)",
        help_text="For example @name@example.social, so that others can tag you.",
    )
    partner_opt_out = forms.BooleanField(
        required=False,
        label="Please do not show links to my post on the partner's site too",
    )

    def __init__(self, *args, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic = topic
        if topic.partner_name or topic.partner_note:
            partner = topic.partner_name or "our partner"
            self.fields["partner_opt_out"].label = (
                f"Please tick this if you don't want links to your post also to appear "
                f"on {partner}'s site."
            )
        else:
            del self.fields["partner_opt_out"]


class EntryForm(ContributorFieldsMixin, PublicForm):
    url = HttpUrlField(
        label="Your post's address",
        help_text="The address of the post itself, not of your blog's home page.",
        error_messages={"required": "Enter your post's address."},
    )
    # Optional: a submission without a title makes the view read it from the post's
    # page and show the form again with the title filled in (see blogsync.syncs.titles).
    title = PlainTextField(
        required=False,
        max_length=500,
        label="Your post's title",
        help_text="Leave it empty and we will read it from your post's page.",
    )
    # The signed canonical URL found when the title was read, so that the duplicate
    # check on the final submission can use it without fetching the page again.
    page = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)

    field_order = ["url", "title", "name", "email"]

    def __init__(self, *args, topic, **kwargs):
        super().__init__(*args, **kwargs)
        self.topic = topic

    def clean_url(self):
        url = self.cleaned_data["url"]
        existing = find_duplicate(self.topic, url)
        if existing is not None:
            raise ValidationError(self.duplicate_message(existing), code="duplicate")
        return url

    def clean(self):
        cleaned = super().clean()
        url = cleaned.get("url")
        canonical_url = canonical_url_from_token(cleaned.get("page", ""), url or "")
        if url and canonical_url:
            existing = find_duplicate(self.topic, url, canonical_url)
            if existing is not None:
                self.add_error("url", self.duplicate_message(existing))
        cleaned["canonical_url"] = canonical_url
        return cleaned

    def visible_public_fields(self):
        return [field for field in super().visible_public_fields() if not field.is_hidden]

    @staticmethod
    def duplicate_message(existing):
        """Explain that the URL is taken, naming the entry only once it is public.

        A pending or rejected entry's title and address are not public yet, and the
        form is open to anyone, so the message states only whether it waits for review.
        """
        if existing.status == EntryStatus.APPROVED:
            return format_html(
                'This post has already been submitted for this topic: <a href="{}">{}</a>.',
                existing.url,
                strip_unsafe_characters(existing.title),
            )
        if existing.status == EntryStatus.PENDING:
            return (
                "This post has already been submitted for this topic and is waiting for "
                "the coordinators."
            )
        return "This post has already been submitted for this topic."


class ProposalForm(PublicForm):
    title = PlainTextField(
        max_length=300,
        label="Topic",
        help_text="A question or a phrase that people can write a post about.",
        error_messages={"required": "Enter the topic you would like to propose."},
    )
    description = PlainTextAreaField(
        required=False,
        max_length=5000,
        label="Why this topic? (optional)",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    proposer_name = PlainTextField(
        max_length=200,
        label="Your name",
        error_messages={"required": "Enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    proposer_email = forms.EmailField(
        required=False,
        max_length=254,
        label="Your email address (optional)",
        help_text="Only the coordinators see it, in case they want to ask you something.",
        error_messages={"invalid": "Enter an email address such as name@example.org."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class RenewLinkForm(forms.Form):
    """The expired confirmation token, posted back to ask for a fresh link."""

    token = forms.CharField(max_length=200, widget=forms.HiddenInput)

"""The one place that builds outgoing mail.

Each kind of message has a text template and an HTML template under
`blogsync/templates/mail/`, named `<kind>.txt` and `<kind>.html`, plus a subject
template `<kind>_subject.txt`. Callers build a message here and send it from a task.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_message(
    kind: str,
    to: str,
    context: dict,
    *,
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Render the templates of `kind` into a message with a text and an HTML part."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"mail/{kind}_subject.txt", context)
    # A subject is one line; template whitespace must not break the header.
    subject = " ".join(subject.split())
    text = render_to_string(f"mail/{kind}.txt", context)
    html = render_to_string(f"mail/{kind}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return message

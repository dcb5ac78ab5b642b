"""The share page of a topic: the list ready to paste into another site."""

from django.shortcuts import render
from django.urls import reverse

from blogsync.embeds.formats import (
    absolute_url,
    find_line,
    get_topic_or_404,
    html_list,
    markdown_list,
    topic_label,
    webring_html,
    webring_markdown,
)
from blogsync.embeds.webring import MAX_FROM_LENGTH
from blogsync.syncs.caching import public_page
from blogsync.syncs.lists import approved_lines


@public_page
def share(request, series, number):
    """Show the list as HTML and Markdown, and the widget and webring snippets.

    With ?post=<URL> of one of the entries, the lists mark that post "you are here" and
    the webring snippet starts from it. The page depends only on its URL, so it stays
    cacheable; `post` is shown only escaped.
    """
    topic = get_topic_or_404(series, number)
    lines = approved_lines(topic)
    post = request.GET.get("post", "").strip()[:MAX_FROM_LENGTH]
    marked_line = find_line(lines, post)
    kwargs = {"series": topic.series.slug, "number": topic.number}
    script_url = absolute_url(reverse("embeds:widget_script", kwargs=kwargs))
    frame_url = absolute_url(reverse("embeds:widget_frame", kwargs=kwargs))
    context = {
        "series": topic.series,
        "topic": topic,
        "label": topic_label(topic),
        "post": post,
        "post_found": marked_line is not None,
        "html_list": html_list(lines, marked_line),
        "markdown_list": markdown_list(lines, marked_line),
        "webring_html": webring_html(topic, post if marked_line else ""),
        "webring_markdown": webring_markdown(topic, post if marked_line else ""),
        "script_url": script_url,
        "frame_url": frame_url,
        "lines_count": len(lines),
    }
    return render(request, "embeds/share.html", context)

"""Forms and list filters of the coordinators' admin."""

import re
from datetime import date

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models

from blogsync.syncs.models import Entry, Series, Topic
from blogsync.syncs.services import find_duplicate

# The admin shows and reads date-times in settings.TIME_ZONE; the database stores UTC.
_ZONE_NOTE = f"Enter in {settings.TIME_ZONE} time; it is stored in UTC."


class TopicAdminForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = [
            "series",
            "number",
            "month",
            "title",
            "alternative_titles",
            "invitation",
            "signup_opens_at",
            "deadline",
            "list_published_at",
            "partner_name",
            "partner_note",
        ]
        help_texts = {
            "signup_opens_at": "When writers can start signing up. Leave empty while the "
            "topic is only scheduled. " + _ZONE_NOTE,
            "deadline": "The writing deadline; posts arriving after it and the series' "
            "grace period are labelled late. " + _ZONE_NOTE,
            "list_published_at": "When the numbered list becomes public; not before the "
            "deadline. " + _ZONE_NOTE,
        }


def _assume_https(db_field, **kwargs):
    # The admin replaces this callback with its own, which applies the same choice
    # through formfield_overrides; this one covers the class as it is declared.
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class EntryAdminForm(forms.ModelForm):
    class Meta:
        model = Entry
        formfield_callback = _assume_https
        fields = [
            "topic",
            "contributor",
            "url",
            "title",
            "position",
            "status",
            "source",
            "needs_review",
            "review_note",
            "partner_opt_out",
            "is_late",
            "submitted_at",
        ]

    def clean(self):
        cleaned_data = super().clean()
        url = cleaned_data.get("url")
        topic = cleaned_data.get("topic") or getattr(self.instance, "topic", None)
        if url and topic is not None:
            duplicate = find_duplicate(topic, url)
            if duplicate is not None and duplicate.pk != self.instance.pk:
                self.add_error(
                    "url",
                    f"This topic already lists that post as entry {duplicate.pk} "
                    f"({duplicate.title}); edit that entry instead.",
                )
        return cleaned_data


_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class AcceptProposalForm(forms.Form):
    """The scheduled topic a proposal is accepted into; its dates are set afterwards."""

    number = forms.IntegerField(min_value=1, help_text="The topic's number in the series.")
    month = forms.CharField(
        max_length=7,
        help_text="The month the topic runs, as YYYY-MM, for example 2027-03.",
    )
    title = forms.CharField(max_length=300)
    invitation = forms.CharField(
        widget=forms.Textarea, required=False, help_text="The text that invites writers."
    )

    def __init__(self, *args, series: Series, **kwargs):
        super().__init__(*args, **kwargs)
        self.series = series

    def clean_number(self):
        number = self.cleaned_data["number"]
        if self.series.topics.filter(number=number).exists():
            raise forms.ValidationError(
                "%(series)s already has a topic %(number)s; choose a free number.",
                params={"series": self.series.hashtag, "number": number},
            )
        return number

    def clean_month(self):
        match = _MONTH.match(self.cleaned_data["month"])
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(
                "Enter the month as YYYY-MM, for example 2027-03; %(value)s is not one.",
                params={"value": self.cleaned_data["month"]},
            )
        month = date(int(match.group(1)), int(match.group(2)), 1)
        taken = self.series.topics.filter(month=month).first()
        if taken is not None:
            raise forms.ValidationError(
                "Topic %(number)s (%(title)s) already runs in %(month)s; choose another month.",
                params={
                    "number": taken.number,
                    "title": taken.title,
                    "month": month.strftime("%B %Y"),
                },
            )
        return month


class TopicListFilter(admin.SimpleListFilter):
    """Filter entries by topic, naming topics in one query.

    Django's default related-field filter calls Topic.__str__ per topic, which reads the
    series one query at a time.
    """

    title = "topic"
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        topics = Topic.objects.select_related("series").order_by("series__name", "-number")
        return [(str(topic.pk), str(topic)) for topic in topics]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(topic_id=int(value))

"""The coordinators' admin.

Coordinators are staff users in the Coordinators group (see coordinators.py) and all
have the same rights over every topic. Every change to an entry or a proposal made
here goes through blogsync.syncs.moderation, so that each one writes an AuditEvent
naming the coordinator. Changelists select their related rows up front, so a page
makes the same number of queries whatever the number of entries.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from blogsync.syncs import moderation
from blogsync.syncs.admin_forms import (
    AcceptProposalForm,
    EntryAdminForm,
    TopicAdminForm,
    TopicListFilter,
)
from blogsync.syncs.models import (
    AuditEvent,
    Contributor,
    Entry,
    EntrySource,
    EntryStatus,
    Proposal,
    ProposalStatus,
    Series,
    SignUp,
    Topic,
)

admin.site.site_header = "blogsync administration"
admin.site.site_title = "blogsync administration"
admin.site.index_title = "Coordination"


# A URL typed without a scheme gets https:// (Django 5.2 assumes http:// and warns).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "hashtag", "time_zone"]
    filter_horizontal = ["coordinators"]


class EntryInline(admin.TabularInline):
    """A topic's entries in list order, read-only: reorder them in the entry list."""

    model = Entry
    fields = ["position", "title", "contributor", "status", "needs_review", "is_late"]
    readonly_fields = fields
    ordering = ["position", "id"]
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contributor")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    form = TopicAdminForm
    list_display = ["number", "title", "series", "month", "state_label", "deadline", "public_link"]
    list_display_links = ["number", "title"]
    list_filter = ["series"]
    list_select_related = ["series"]
    search_fields = ["title", "invitation"]
    readonly_fields = ["state_label", "public_link", "entries_link"]
    inlines = [EntryInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "series",
                    "number",
                    "month",
                    "title",
                    "alternative_titles",
                    "invitation",
                    "host",
                ]
            },
        ),
        ("Dates", {"fields": ["signup_opens_at", "deadline", "list_published_at", "state_label"]}),
        ("Partner", {"fields": ["partner_name", "partner_note"], "classes": ["collapse"]}),
        ("Public page", {"fields": ["public_link", "entries_link"]}),
    ]

    def get_queryset(self, request):
        # Topic.__str__ reads the series: join it for the change page and for the
        # autocomplete on the entry form, not only for the changelist.
        return super().get_queryset(request).select_related("series")

    @admin.display(description="state")
    def state_label(self, topic):
        if topic.pk is None:
            return "-"
        return topic.state.label

    @admin.display(description="public page")
    def public_link(self, topic):
        if topic.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', topic.get_absolute_url(), topic.get_absolute_url()
        )

    @admin.display(description="reorder entries")
    def entries_link(self, topic):
        if topic.pk is None:
            return "-"
        url = reverse("admin:syncs_entry_changelist") + f"?topic={topic.pk}"
        return format_html('<a href="{}">{}</a>', url, "Open this topic's entries in list order")

    def get_changeform_initial_data(self, request):
        """Offer the next free number when there is one series (or ?series=ID)."""
        initial = super().get_changeform_initial_data(request)
        series_id = request.GET.get("series")
        if series_id and series_id.isdigit():
            series = Series.objects.filter(pk=series_id).first()
        else:
            candidates = list(Series.objects.all()[:2])
            series = candidates[0] if len(candidates) == 1 else None
        if series is not None:
            initial.setdefault("series", series.pk)
            initial.setdefault("number", moderation.next_topic_number(series))
        return initial

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            if form.changed_data:
                moderation.record(
                    request.user,
                    "edit_topic",
                    topic=obj,
                    detail="changed " + ", ".join(form.changed_data),
                )
        else:
            moderation.record(request.user, "add_topic", topic=obj)


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["name", "blog_url"]
    search_fields = ["name", "email", "blog_url"]


@admin.register(SignUp)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ["contributor", "topic", "confirmed_at", "partner_opt_out"]
    list_select_related = ["contributor", "topic__series"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Entries, with moderation actions and list order.

    Typing new numbers in the position column moves those entries one after the other
    through moderation.move_entry, which renumbers the topic 1, 2, 3, ...
    """

    form = EntryAdminForm
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = [
        "position",
        "title",
        "contributor",
        "topic",
        "status",
        "source",
        "review",
        "is_late",
    ]
    list_display_links = ["title"]
    list_editable = ["position"]
    list_filter = ["status", "needs_review", "source", TopicListFilter, "is_late", "topic__series"]
    list_select_related = ["contributor", "topic__series"]
    search_fields = ["title", "url", "contributor__name", "review_note"]
    ordering = ["topic__series__name", "-topic__number", "position", "id"]
    autocomplete_fields = ["topic", "contributor"]
    actions = ["approve_selected", "reject_selected", "mark_reviewed", "move_up", "move_down"]
    # The form's editable fields, then the read-only ones.
    fields = [*EntryAdminForm.Meta.fields, "approved_at", "audit_trail"]

    @admin.display(description="needs review")
    def review(self, entry):
        if not entry.needs_review:
            return ""
        return entry.review_note or "yes"

    @admin.display(description="history")
    def audit_trail(self, entry):
        if entry.pk is None:
            return "-"
        events = list(AuditEvent.objects.filter(entry=entry).select_related("actor")[:50])
        if not events:
            return "No recorded actions."
        rows = format_html_join(
            "",
            "<li>{} {}: {} {}</li>",
            (
                (
                    localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
                    event.actor or "system",
                    event.action,
                    event.detail,
                )
                for event in events
            ),
        )
        return format_html("<ul>{}</ul>", rows)

    def get_readonly_fields(self, request, obj=None):
        # Positions of a new entry and the topic of an existing one are managed by
        # moderation, so that each topic's list stays numbered 1, 2, 3, ...
        readonly = ["approved_at", "audit_trail"]
        if obj is None:
            readonly.append("position")
        else:
            readonly.append("topic")
        return readonly

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("source", EntrySource.ADMIN)
        return initial

    def has_delete_permission(self, request, obj=None):
        # Rejecting keeps the entry, its place in the numbering and its audit trail.
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "needs_review_count": Entry.objects.needing_review().count(),
        }
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            self._add_entry(request, obj)
            return
        new_status = obj.status
        new_position = obj.position
        edited = [name for name in form.changed_data if name not in ("status", "position")]
        with transaction.atomic():
            if edited:
                # update_fields keeps positions that an earlier row of the same
                # list_editable submission renumbered.
                update_fields = [*edited, "updated_at"]
                if "url" in edited:
                    update_fields.append("normalised_url")
                obj.save(update_fields=update_fields)
                moderation.record_entry_edit(obj, request.user, edited)
            if "position" in form.changed_data:
                moderation.move_entry(obj, new_position, request.user)
            if "status" in form.changed_data:
                obj.status = form.initial["status"]
                self._set_status(obj, new_status, request.user)

    def _add_entry(self, request, obj):
        requested_status = obj.status
        with transaction.atomic():
            obj.status = EntryStatus.PENDING
            obj.position = moderation.next_position(obj.topic)
            obj.save()
            moderation.record(request.user, "add_entry", entry=obj, topic=obj.topic)
            self._set_status(obj, requested_status, request.user)

    @staticmethod
    def _set_status(entry, status, actor):
        if status == EntryStatus.APPROVED:
            moderation.approve_entry(entry, actor)
        elif status == EntryStatus.REJECTED:
            moderation.reject_entry(entry, actor)
        else:
            moderation.reopen_entry(entry, actor)

    @admin.action(description="Approve selected entries", permissions=["change"])
    def approve_selected(self, request, queryset):
        approved = 0
        for entry in queryset.select_related("topic__series"):
            if entry.status != EntryStatus.APPROVED:
                moderation.approve_entry(entry, request.user)
                approved += 1
        self.message_user(request, f"Approved {_count(approved, 'entry', 'entries')}.")

    @admin.action(description="Reject selected entries", permissions=["change"])
    def reject_selected(self, request, queryset):
        rejected = 0
        for entry in queryset.select_related("topic__series"):
            if entry.status != EntryStatus.REJECTED:
                moderation.reject_entry(entry, request.user)
                rejected += 1
        self.message_user(request, f"Rejected {_count(rejected, 'entry', 'entries')}.")

    @admin.action(description="Mark reviewed", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        reviewed = 0
        for entry in queryset.filter(needs_review=True).select_related("topic__series"):
            moderation.mark_reviewed(entry, request.user)
            reviewed += 1
        self.message_user(request, f"Marked {_count(reviewed, 'entry', 'entries')} as reviewed.")

    @admin.action(description="Move selected entries up one place", permissions=["change"])
    def move_up(self, request, queryset):
        self._move_selected(request, queryset, -1)

    @admin.action(description="Move selected entries down one place", permissions=["change"])
    def move_down(self, request, queryset):
        self._move_selected(request, queryset, 1)

    def _move_selected(self, request, queryset, step):
        ids = list(queryset.values_list("pk", flat=True))
        moved = moderation.move_entries_up_or_down(ids, step, request.user)
        message = f"Moved {_count(moved, 'entry', 'entries')}."
        if moved < len(ids):
            message += (
                f" {_count(len(ids) - moved, 'entry was', 'entries were')} already "
                "at the end of the list."
            )
        self.message_user(request, message)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "series", "proposer_name", "status", "topic", "created_at"]
    list_filter = ["status", "series"]
    list_select_related = ["series", "topic__series"]
    search_fields = ["title", "description", "proposer_name"]
    readonly_fields = ["status", "topic", "created_at"]
    actions = ["accept_into_new_topic", "decline_selected"]

    def get_urls(self):
        accept = path(
            "<int:proposal_id>/accept/",
            self.admin_site.admin_view(self.accept_view),
            name="syncs_proposal_accept",
        )
        return [accept, *super().get_urls()]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            moderation.record(
                request.user,
                "edit_proposal",
                proposal=obj,
                detail="changed " + ", ".join(form.changed_data),
            )

    @admin.action(description="Accept into a new topic", permissions=["change"])
    def accept_into_new_topic(self, request, queryset):
        proposals = list(queryset[:2])
        if len(proposals) != 1:
            self.message_user(
                request,
                "Select exactly one proposal to accept into a new topic.",
                messages.ERROR,
            )
            return None
        return redirect("admin:syncs_proposal_accept", proposal_id=proposals[0].pk)

    @admin.action(description="Decline selected proposals", permissions=["change"])
    def decline_selected(self, request, queryset):
        declined = 0
        for proposal in queryset.filter(status=ProposalStatus.NEW):
            moderation.decline_proposal(proposal, request.user)
            declined += 1
        self.message_user(
            request,
            f"Declined {_count(declined, 'proposal', 'proposals')}; "
            "accepted and already declined ones are left as they were.",
        )

    def accept_view(self, request, proposal_id):
        """Create the next scheduled topic from a new proposal and accept it into it.

        Needs the rights to change proposals and to add topics.
        """
        proposal = get_object_or_404(Proposal.objects.select_related("series"), pk=proposal_id)
        topic_admin = self.admin_site._registry[Topic]
        if not (
            self.has_change_permission(request, proposal)
            and topic_admin.has_add_permission(request)
        ):
            raise PermissionDenied
        changelist = reverse("admin:syncs_proposal_changelist")
        if proposal.status != ProposalStatus.NEW:
            self.message_user(
                request,
                f"The proposal {proposal.title!r} is {proposal.get_status_display().lower()} "
                "already; only new proposals can be accepted.",
                messages.ERROR,
            )
            return redirect(changelist)

        if request.method == "POST":
            form = AcceptProposalForm(request.POST, series=proposal.series)
            if form.is_valid():
                topic = moderation.accept_proposal_into_new_topic(
                    proposal, request.user, **form.cleaned_data
                )
                self.message_user(
                    request,
                    f"Created topic {topic.number}, {topic.title!r}, from the proposal. "
                    "Set its sign-up, deadline and publishing dates here.",
                )
                return redirect("admin:syncs_topic_change", topic.pk)
        else:
            form = AcceptProposalForm(
                series=proposal.series,
                initial={
                    "number": moderation.next_topic_number(proposal.series),
                    "title": proposal.title,
                    "invitation": proposal.description,
                },
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Accept a proposal into a new topic",
            "opts": self.opts,
            "proposal": proposal,
            "form": form,
        }
        return TemplateResponse(request, "admin/syncs/proposal/accept.html", context)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "entry", "topic", "proposal"]
    list_filter = ["action"]
    list_select_related = ["actor", "entry__contributor", "topic__series", "proposal"]
    search_fields = ["detail", "actor__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

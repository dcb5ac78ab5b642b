from django.contrib import admin

from blogsync.syncs.models import (
    AuditEvent,
    Contributor,
    Entry,
    Proposal,
    Series,
    SignUp,
    Topic,
)


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "hashtag", "time_zone"]
    filter_horizontal = ["coordinators"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "series", "month", "deadline"]
    list_filter = ["series"]
    search_fields = ["title"]


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["name", "blog_url"]
    search_fields = ["name", "email", "blog_url"]


@admin.register(SignUp)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ["contributor", "topic", "confirmed_at", "partner_opt_out"]
    list_select_related = ["contributor", "topic__series"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "contributor", "topic", "position", "status", "source",
                    "needs_review"]
    list_filter = ["status", "needs_review", "source", "topic__series"]
    list_select_related = ["contributor", "topic__series"]
    search_fields = ["title", "url", "contributor__name"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "proposer_name", "status", "created_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "entry", "topic", "proposal"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin, messages

from blogsync.mentions.models import BlockedHost, Mention, MentionState, OutgoingWebmention
from blogsync.mentions.tasks import verify_mention_task


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["received_at", "protocol", "source", "topic", "state", "client_ip", "entry"]
    list_filter = ["state", "protocol", "topic__series"]
    list_select_related = ["topic__series", "entry__contributor"]
    search_fields = ["source", "target", "client_ip"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "token",
        "protocol",
        "source",
        "normalised_source",
        "target",
        "topic",
        "state",
        "received_at",
        "verified_at",
        "error",
        "client_ip",
        "entry",
    ]
    actions = ["check_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Check the selected mentions again")
    def check_again(self, request, queryset):
        mentions = list(queryset)
        for mention in mentions:
            Mention.objects.filter(pk=mention.pk).update(
                state=MentionState.PENDING, error="", verified_at=None
            )
            verify_mention_task.enqueue(mention.pk)
        self.message_user(
            request, f"{len(mentions)} mention(s) queued to be checked again.", messages.SUCCESS
        )


@admin.register(BlockedHost)
class BlockedHostAdmin(admin.ModelAdmin):
    list_display = ["host", "reason", "created_at"]
    search_fields = ["host", "reason"]


@admin.register(OutgoingWebmention)
class OutgoingWebmentionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "target", "endpoint", "state", "status_code"]
    list_filter = ["state"]
    readonly_fields = [
        "entry",
        "source",
        "target",
        "endpoint",
        "state",
        "status_code",
        "error",
        "created_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False

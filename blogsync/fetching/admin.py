from django.contrib import admin

from blogsync.fetching.models import FeedState, LinkCheck, LinkHealth


@admin.register(FeedState)
class FeedStateAdmin(admin.ModelAdmin):
    list_display = ["feed_url", "last_checked_at", "last_success_at", "failures"]
    list_filter = ["failures"]
    search_fields = ["feed_url"]
    readonly_fields = ["seen"]


@admin.register(LinkHealth)
class LinkHealthAdmin(admin.ModelAdmin):
    list_display = ["entry", "is_dead", "consecutive_failures", "last_checked_at"]
    list_filter = ["is_dead"]
    list_select_related = ["entry__contributor"]
    raw_id_fields = ["entry"]


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    list_display = ["entry", "checked_at", "result", "status", "error"]
    list_filter = ["result"]
    list_select_related = ["entry__contributor"]
    raw_id_fields = ["entry"]

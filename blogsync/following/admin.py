from django.contrib import admin

from blogsync.following.models import (
    FanOut,
    OutboxMessage,
    SeriesMailSettings,
    Subscriber,
    WriterMailPreference,
)


@admin.register(SeriesMailSettings)
class SeriesMailSettingsAdmin(admin.ModelAdmin):
    list_display = ["series", "reminder_days_before"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "series",
        "confirmed_at",
        "unsubscribed_at",
        "new_topics",
        "list_published",
        "daily_digest",
    ]
    list_filter = ["series"]
    search_fields = ["email"]


@admin.register(WriterMailPreference)
class WriterMailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["contributor", "writer_mail", "updated_at"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "topic", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]


@admin.register(FanOut)
class FanOutAdmin(admin.ModelAdmin):
    list_display = ["key", "queued", "created_at", "done_at"]
    readonly_fields = [field.name for field in FanOut._meta.fields]

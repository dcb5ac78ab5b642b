from django.urls import path

from blogsync.following import views
from blogsync.following.conditional import conditional_public
from blogsync.following.feeds import FEED_TYPES, EntriesFeed, TopicsFeed

app_name = "following"

urlpatterns = [
    path("follow/confirm/<str:token>/", views.confirm, name="confirm"),
    path("follow/manage/<str:token>/", views.manage, name="manage"),
    path("follow/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:series>/follow/", views.follow, name="follow"),
    path("<slug:series>/follow/email/", views.subscribe, name="subscribe"),
    path("<slug:series>/follow/email/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("<slug:series>/feeds/contributors.opml", views.series_opml, name="series_opml"),
    path(
        "<slug:series>/<int:number>/feeds/contributors.opml", views.topic_opml, name="topic_opml"
    ),
    path("<slug:series>/calendar.ics", views.series_calendar, name="series_calendar"),
    path("<slug:series>/<int:number>/calendar.ics", views.topic_calendar, name="topic_calendar"),
]

# Three feeds, each as RSS 2.0 (.rss), Atom (.atom) and JSON Feed 1.1 (.json).
for feed_format in FEED_TYPES:
    urlpatterns += [
        path(
            f"<slug:series>/feeds/topics.{feed_format}",
            conditional_public(TopicsFeed(feed_format)),
            name=f"topics_{feed_format}",
        ),
        path(
            f"<slug:series>/feeds/entries.{feed_format}",
            conditional_public(EntriesFeed(feed_format, per_topic=False)),
            name=f"series_entries_{feed_format}",
        ),
        path(
            f"<slug:series>/<int:number>/feeds/entries.{feed_format}",
            conditional_public(EntriesFeed(feed_format, per_topic=True)),
            name=f"topic_entries_{feed_format}",
        ),
    ]

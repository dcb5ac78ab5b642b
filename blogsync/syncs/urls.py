from django.urls import path

from blogsync.syncs import views

app_name = "syncs"

# Paths without a series come first, so that a series slug cannot shadow them.
urlpatterns = [
    path("", views.root, name="root"),
    path("contributors/<slug:slug>/", views.contributor_detail, name="contributor_detail"),
    path("<slug:series>/", views.series_home, name="series_home"),
    path("<slug:series>/archive/", views.archive, name="archive"),
    path("<slug:series>/<int:number>/", views.topic_detail, name="topic_detail"),
]

from django.urls import path

from blogsync.mentions import views

app_name = "mentions"

urlpatterns = [
    path("webmention/", views.webmention_endpoint, name="webmention"),
    path("pingback/", views.pingback_endpoint, name="pingback"),
    path("<uuid:token>/", views.mention_status, name="status"),
]

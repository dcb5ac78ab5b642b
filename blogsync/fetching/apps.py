from django.apps import AppConfig


class FetchingConfig(AppConfig):
    name = "blogsync.fetching"
    verbose_name = "Fetching"

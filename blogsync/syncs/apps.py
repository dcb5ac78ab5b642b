from django.apps import AppConfig


class SyncsConfig(AppConfig):
    name = "blogsync.syncs"
    verbose_name = "Syncs"

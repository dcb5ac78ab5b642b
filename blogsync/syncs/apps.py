from django.apps import AppConfig


class SyncsConfig(AppConfig):
    name = "blogsync.syncs"
    verbose_name = "Syncs"

    def ready(self):
        from blogsync.syncs import checks  # noqa: F401  (registers the system checks)

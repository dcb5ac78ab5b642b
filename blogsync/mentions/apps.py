from django.apps import AppConfig


class MentionsConfig(AppConfig):
    name = "blogsync.mentions"
    verbose_name = "Mentions"

    def ready(self):
        from blogsync.mentions import handlers

        handlers.connect()

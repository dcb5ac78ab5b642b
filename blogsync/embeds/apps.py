from django.apps import AppConfig


class EmbedsConfig(AppConfig):
    name = "blogsync.embeds"
    verbose_name = "Embeds, webring and API"

from django.apps import AppConfig


class FollowingConfig(AppConfig):
    name = "blogsync.following"
    verbose_name = "Following"

    def ready(self) -> None:
        from blogsync.following import receivers  # noqa: F401  (connects the signals)

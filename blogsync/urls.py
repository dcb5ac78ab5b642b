from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    # Coordinators set their password through the one-time link that
    # `manage.py create_coordinator` prints. These come before the admin's own URLs,
    # whose catch-all would otherwise take them.
    path(
        "admin/password/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "admin/password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("admin/", admin.site.urls),
    path("mentions/", include("blogsync.mentions.urls")),
    path("", include("blogsync.embeds.urls")),
    path("", include("blogsync.following.urls")),
    path("", include("blogsync.syncs.urls")),
]

from django.apps import apps as global_apps
from django.db import migrations

# A frozen copy of blogsync.syncs.coordinators.COORDINATOR_PERMISSIONS as it was when
# this migration was written, so that later changes to the list cannot break it.
COORDINATOR_PERMISSIONS = {
    "series": ["view"],
    "topic": ["add", "change", "view"],
    "entry": ["add", "change", "view"],
    "contributor": ["add", "change", "view"],
    "signup": ["view"],
    "proposal": ["change", "view"],
    "auditevent": ["view"],
}


def create_coordinators_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run (post_migrate),
    # so on a fresh database they are created here first.
    from django.contrib.auth.management import create_permissions

    create_permissions(
        global_apps.get_app_config("syncs"), verbosity=0, apps=apps,
        using=schema_editor.connection.alias,
    )

    from blogsync.syncs.coordinators import ensure_coordinators_group

    ensure_coordinators_group(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"),
        COORDINATOR_PERMISSIONS,
    )


def remove_coordinators_group(apps, schema_editor):
    from blogsync.syncs.coordinators import COORDINATORS_GROUP

    apps.get_model("auth", "Group").objects.filter(name=COORDINATORS_GROUP).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("syncs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_coordinators_group, remove_coordinators_group),
    ]

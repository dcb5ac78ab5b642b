"""The Coordinators group: every coordinator has the same rights over every topic.

No coordinator owns a topic; rights come from membership of one group, whose
permissions are set here and applied by migration 0002 and by `create_coordinator`.
"""

COORDINATORS_GROUP = "Coordinators"

# Model name -> permission actions granted to the group. Coordinators reject entries
# rather than delete them, so that the audit trail keeps every entry it names.
COORDINATOR_PERMISSIONS = {
    "series": ["view"],
    "topic": ["add", "change", "view"],
    "entry": ["add", "change", "view"],
    "contributor": ["add", "change", "view"],
    "signup": ["view"],
    "proposal": ["change", "view"],
    "auditevent": ["view"],
}


def permission_codenames() -> list[str]:
    return [
        f"{action}_{model}"
        for model, actions in COORDINATOR_PERMISSIONS.items()
        for action in actions
    ]


def ensure_coordinators_group(group_model, permission_model):
    """Create the group if missing and set its permissions to exactly the list above.

    Takes the models as arguments so that a migration can pass its historical ones.
    Returns the group.
    """
    group, _ = group_model.objects.get_or_create(name=COORDINATORS_GROUP)
    codenames = permission_codenames()
    permissions = list(
        permission_model.objects.filter(
            content_type__app_label="syncs", codename__in=codenames
        )
    )
    missing = set(codenames) - {permission.codename for permission in permissions}
    if missing:
        names = ", ".join(sorted(missing))
        raise LookupError(f"Permissions not found: {names}; run `manage.py migrate` first.")
    group.permissions.set(permissions)
    return group

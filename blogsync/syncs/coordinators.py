"""The Coordinators group: every coordinator has the same rights over every topic.

No coordinator owns a topic; rights come from membership of one group, whose
permissions are set here and applied by migration 0002 and by `create_coordinator`.
"""

COORDINATORS_GROUP = "Coordinators"

# Model name -> permission actions granted to the group. Coordinators reject entries
# rather than delete them, so that the audit trail keeps every entry it names.
# Migration 0002 applies a frozen copy of this dict. A later change reaches existing
# databases through a new data migration, or when `create_coordinator` next runs.
COORDINATOR_PERMISSIONS = {
    "series": ["view"],
    "topic": ["add", "change", "view"],
    "entry": ["add", "change", "view"],
    "contributor": ["add", "change", "view"],
    "signup": ["view"],
    "proposal": ["change", "view"],
    "auditevent": ["view"],
}


def permission_codenames(granted=None) -> list[str]:
    granted = COORDINATOR_PERMISSIONS if granted is None else granted
    return [f"{action}_{model}" for model, actions in granted.items() for action in actions]


def ensure_coordinators_group(group_model, permission_model, granted=None):
    """Create the group if missing and set its permissions to exactly the list above,
    removing any that were added to the group by hand.

    Takes the models (and optionally the permissions) as arguments so that a migration
    can pass its historical models and a frozen copy of the list. Returns the group.
    """
    group, _ = group_model.objects.get_or_create(name=COORDINATORS_GROUP)
    codenames = permission_codenames(granted)
    permissions = list(
        permission_model.objects.filter(content_type__app_label="syncs", codename__in=codenames)
    )
    missing = set(codenames) - {permission.codename for permission in permissions}
    if missing:
        names = ", ".join(sorted(missing))
        raise LookupError(f"Permissions not found: {names}; run `manage.py migrate` first.")
    group.permissions.set(permissions)
    return group

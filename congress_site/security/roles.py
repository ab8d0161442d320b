"""Permissions and roles, Plone style: roles are granted globally or locally
(on any object, inherited down the tree); permissions are granted to roles by
the object's ACL, which its workflow state derives."""

from pyramid.authorization import ALL_PERMISSIONS, DENY_ALL, Allow, Authenticated, Everyone

VIEW = "view"
EDIT = "edit"
ADD = "add"
DELETE = "delete"
REVIEW = "review"  # workflow transitions
SHARE = "share"  # local roles ("Sharing")
MANAGE = "manage"  # users, groups, audit log, site settings
VIEW_HISTORY = "view_history"

MANAGER = "Manager"
GLOBAL_ROLES = ("Manager", "Member", "Scribe", "Sysadmin")
LOCAL_ROLES = ("Owner", "Editor", "Contributor", "Reviewer", "Reader")
ALL_ROLES = GLOBAL_ROLES + LOCAL_ROLES

# Roles that may see an object whatever its state (when they hold it there).
VIEWER_ROLES = ("Manager", "Owner", "Editor", "Contributor", "Reviewer", "Reader")

# State-independent grants.
ROLE_PERMISSIONS = {
    "Owner": (EDIT, ADD, DELETE, REVIEW, SHARE, VIEW_HISTORY),
    "Editor": (EDIT, ADD, VIEW_HISTORY),
    "Contributor": (ADD,),
    "Reviewer": (REVIEW, VIEW_HISTORY),
}


def role_principal(role: str) -> str:
    return f"role:{role}"


def user_principal(login: str) -> str:
    return f"user:{login}"


def group_principal(group_id: str) -> str:
    return f"group:{group_id}"


def acl_for(viewers: tuple[str, ...]) -> list:
    """An object's ACL: Manager everything, `viewers` (principals) may view,
    the role grants above, nothing else (no inheritance past a workflowed object)."""
    acl = [(Allow, role_principal(MANAGER), ALL_PERMISSIONS)]
    acl += [(Allow, principal, VIEW) for principal in viewers]
    for role, permissions in ROLE_PERMISSIONS.items():
        acl.append((Allow, role_principal(role), permissions))
    # Workflow states decide alone: a private page in a published folder
    # must not inherit the folder's "Everyone may view".
    acl.append(DENY_ALL)
    return acl


__all__ = ["Allow", "Authenticated", "Everyone", "ALL_PERMISSIONS", "acl_for"]

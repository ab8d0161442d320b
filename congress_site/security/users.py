"""Site users and groups, stored in the site root."""

from __future__ import annotations

import re

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent

from ..clock import utcnow
from ..members.rules import login_problem
from .passwords import hash_password, needs_rehash, verify_password
from .roles import GLOBAL_ROLES

# Logins follow the one rule of the konbit (members.rules.login_problem): a person of
# the members file and a local account are the same kind of login. Group ids are
# site-only names.
GROUP_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")


class UserError(ValueError):
    pass


class User(Persistent):
    # "site": a local account with its own password hash; "directory": a person of
    # the konbit's directory, who logs in with their one directory password.
    source = "site"

    def __init__(self, login: str, fullname: str = "", email: str = ""):
        self.login = login
        self.fullname = fullname or login
        self.email = email
        self.password_hash = None
        self.roles = frozenset()
        self.groups = frozenset()
        self.language = None
        self.created = utcnow()

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        ok = verify_password(self.password_hash, password)
        if ok and needs_rehash(self.password_hash):
            self.set_password(password)
        return ok


class Group(Persistent):
    def __init__(self, group_id: str, title: str = ""):
        self.id = group_id
        self.title = title or group_id
        self.roles = frozenset()


class UserFolder(Persistent):
    """Logins and groups. Separate from content so listings never show them."""

    def __init__(self):
        self.users = OOBTree()
        self.groups = OOBTree()
        self.emails = OOBTree()  # email -> login, for password reset
        self.memberships = OOBTree()  # group id -> OOTreeSet of logins

    def get(self, login: str) -> User | None:
        return self.users.get(login)

    def by_email(self, email: str) -> User | None:
        login = self.emails.get(email.strip().lower())
        return self.users.get(login) if login else None

    def add_user(self, login, password, fullname="", email="", roles=()) -> User:
        login = login.strip().lower()
        problem = login_problem(login)
        if problem:
            raise UserError(f"'{login}' is not a valid login: {problem}")
        if login in self.users:
            raise UserError(f"the login '{login}' is taken")
        unknown = set(roles) - set(GLOBAL_ROLES)
        if unknown:
            raise UserError(f"unknown role(s): {', '.join(sorted(unknown))}")
        user = User(login, fullname, email.strip().lower())
        user.set_password(password)
        user.roles = frozenset(roles)
        self.users[login] = user
        if user.email:
            self.emails[user.email] = login
        return user

    def sync_directory_user(self, login, fullname, email, roles=()) -> tuple[User, bool]:
        """The local record of a directory person (created at their first login, kept
        in step with the directory after): roles, groups and local roles attach to it.
        Returns (user, changed); writes nothing when nothing changed."""
        user = self.users.get(login)
        if user is None:
            problem = login_problem(login)
            if problem:
                raise UserError(f"'{login}' is not a valid login: {problem}")
            user = User(login, fullname, "")
            user.source = "directory"
            user.roles = frozenset(roles)
            self.users[login] = user
            self.set_email(user, email)
            return user, True
        changed = False
        if user.source != "directory" and user.password_hash is None:
            user.source = "directory"
            changed = True
        if fullname and user.fullname != fullname:
            user.fullname = fullname
            changed = True
        if (email or "").strip().lower() != user.email:
            self.set_email(user, email or "")
            changed = True
        return user, changed

    def set_email(self, user: User, email: str) -> None:
        if user.email and self.emails.get(user.email) == user.login:
            del self.emails[user.email]
        user.email = email.strip().lower()
        if user.email:
            self.emails[user.email] = user.login

    def add_group(self, group_id: str, title: str = "", roles=()) -> Group:
        if not GROUP_ID_RE.match(group_id):
            raise UserError(f"'{group_id}' is not a valid group id")
        if group_id in self.groups:
            raise UserError(f"the group '{group_id}' exists")
        group = Group(group_id, title)
        group.roles = frozenset(roles)
        self.groups[group_id] = group
        self.memberships[group_id] = OOTreeSet()
        return group

    def join(self, login: str, group_id: str) -> None:
        if group_id not in self.groups:
            raise UserError(f"unknown group '{group_id}'")
        user = self.users[login]
        user.groups = user.groups | {group_id}
        self.memberships[group_id].add(login)

    def leave(self, login: str, group_id: str) -> None:
        user = self.users[login]
        user.groups = user.groups - {group_id}
        if group_id in self.memberships:
            self.memberships[group_id].remove(login)

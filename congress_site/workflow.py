"""Workflows: small state machines whose states set an object's ACL.

A state names who may view; a transition names its source states, its target
and the permission that guards it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from pyramid.authorization import Authenticated, Everyone

from .i18n import _
from .security.roles import REVIEW, VIEWER_ROLES, acl_for, role_principal

_ROLE_VIEWERS = tuple(role_principal(r) for r in VIEWER_ROLES)


class WorkflowError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class State:
    name: str
    title: str
    viewers: tuple[str, ...]

    def acl(self) -> list:
        # States are immutable, so is their ACL: build it once.
        return _state_acl(self.viewers)


@functools.lru_cache(maxsize=64)
def _state_acl(viewers: tuple[str, ...]) -> tuple:
    return tuple(acl_for(viewers))


@dataclass(frozen=True)
class Transition:
    name: str
    title: str
    sources: tuple[str, ...]
    target: str
    permission: str = REVIEW


@dataclass(frozen=True)
class Workflow:
    name: str
    initial: str
    states: dict[str, State]
    transitions: tuple[Transition, ...]

    def state(self, name: str) -> State:
        return self.states[name]

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def find(self, state: str, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                if state not in t.sources:
                    raise WorkflowError(
                        "transition",
                        f"'{name}' is not possible from the state '{state}'",
                    )
                return t
        raise WorkflowError("transition", f"unknown transition '{name}'")


SIMPLE_PUBLICATION = Workflow(
    name="simple_publication",
    initial="private",
    states={
        "private": State("private", _("Private"), _ROLE_VIEWERS),
        "internal": State("internal", _("Internal"), _ROLE_VIEWERS + (Authenticated,)),
        "published": State("published", _("Published"), _ROLE_VIEWERS + (Everyone,)),
    },
    transitions=(
        Transition("publish", _("Publish"), ("private", "internal"), "published"),
        Transition("make_internal", _("Make internal"), ("private", "published"), "internal"),
        Transition("make_private", _("Make private"), ("internal", "published"), "private"),
    ),
)

# Always visible to anyone who can reach it (e.g. a live session's display).
ONE_STATE_PUBLIC = Workflow(
    name="one_state_public",
    initial="published",
    states={"published": State("published", _("Published"), _ROLE_VIEWERS + (Everyone,))},
    transitions=(),
)

WORKFLOWS = {wf.name: wf for wf in (SIMPLE_PUBLICATION, ONE_STATE_PUBLIC)}


def workflow_for(obj) -> Workflow | None:
    from .content.registry import get_type

    ct = get_type(getattr(obj, "type_name", ""))
    if ct is None or ct.workflow is None:
        return None
    return WORKFLOWS[ct.workflow]


def initialize(obj) -> None:
    wf = workflow_for(obj)
    if wf is not None:
        obj.review_state = wf.initial


def object_acl(obj):
    """The ACL of a workflowed object; raises AttributeError otherwise, which
    Pyramid reads as 'no ACL here, ask the parent'.

    Content is never more visible than its containers: the viewers its state names are
    narrowed by those of every workflowed container above it (a published page in a
    private folder, or a session in a congress that is not published, is not public).
    Local roles granted on the object itself still let their holders in."""
    wf = workflow_for(obj)
    if wf is None or obj.review_state not in wf.states:
        raise AttributeError("__acl__")
    viewers = wf.state(obj.review_state).viewers
    node = obj.__parent__
    while node is not None:
        node_wf = workflow_for(node)
        if node_wf is not None and node.review_state in node_wf.states:
            viewers = narrowest(viewers, node_wf.state(node.review_state).viewers)
        node = node.__parent__
    return _state_acl(viewers)


@functools.lru_cache(maxsize=64)
def narrowest(viewers: tuple[str, ...], container_viewers: tuple[str, ...]) -> tuple[str, ...]:
    """The viewers of ``viewers`` that the container's viewers also let in: ``Everyone``
    lets in anyone, ``Authenticated`` anyone but anonymous visitors."""

    def lets_in(allowed, principal) -> bool:
        if principal in allowed or Everyone in allowed:
            return True
        return Authenticated in allowed and principal != Everyone

    found = [p for p in viewers if lets_in(container_viewers, p)]
    found += [p for p in container_viewers if lets_in(viewers, p) and p not in found]
    return tuple(found)


def transitions_for(obj, request) -> list[Transition]:
    wf = workflow_for(obj)
    if wf is None:
        return []
    return [t for t in wf.available(obj.review_state) if request.has_permission(t.permission, obj)]


MAX_COMMENT = 2000


def transition(obj, request, name: str, comment: str = "") -> Transition:
    """Take the transition ``name`` as the caller; its ``comment`` is kept in the history."""
    if len(comment) > MAX_COMMENT:
        raise WorkflowError("comment", f"the comment is longer than {MAX_COMMENT} characters")
    wf = workflow_for(obj)
    if wf is None:
        raise WorkflowError("workflow", "this object has no workflow")
    t = wf.find(obj.review_state, name)
    if not request.has_permission(t.permission, obj):
        raise WorkflowError("forbidden", f"you may not '{name}' this object")
    previous = obj.review_state
    obj.review_state = t.target
    login = request.identity.login if request.identity else None
    obj.record(
        "workflow", login, transition=name, previous=previous, state=t.target, comments=comment
    )
    return t

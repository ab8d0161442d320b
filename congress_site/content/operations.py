"""Everything that changes content goes through here, so history, the
catalog and sanitising happen in one place for forms and the API alike."""

from __future__ import annotations

import nh3

from ..catalog import walk
from ..clock import utcnow
from ..workflow import initialize
from .base import Container, Content, find_root, order_key
from .registry import ContentType, get_type

# Rich text keeps structure and links, loses scripts, styles and handlers.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q",
    "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "u", "ul", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "abbr": {"title"},
}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _clean(ct: ContentType, appstruct: dict) -> dict:
    values = dict(appstruct)
    for name in ct.rich_text:
        if name in values:
            values[name] = sanitize_html(values[name])
    return values


def _store_file(values: dict) -> dict:
    """Turn a deform FileData dict into a blob-backed BlobFile."""
    from .blobs import BlobFile

    data = values.get("file")
    if isinstance(data, dict) and data.get("fp") is not None:
        values["file"] = BlobFile(data["fp"], data.get("filename") or "file", data.get("mimetype"))
    return values


def create(
    container: Container,
    type_name: str,
    appstruct: dict,
    actor: str | None,
    name: str | None = None,
) -> Content:
    ct = get_type(type_name)
    values = _store_file(_clean(ct, appstruct))
    if not values.get("title") and getattr(values.get("file"), "filename", None):
        values["title"] = values["file"].filename
    obj = ct.factory(**values)
    obj.creator = actor
    if actor:
        obj.local_roles[f"user:{actor}"] = frozenset({"Owner"})
    initialize(obj)
    container.add(name or container.choose_name(obj.title), obj)
    obj.record("created", actor)
    root = find_root(obj)
    root.catalog.index(obj)
    return obj


class EditRefused(ValueError):
    """The object refuses a change its schema alone cannot judge (e.g. a member's
    currency once payments are recorded). `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def edit(
    obj: Content, appstruct: dict, actor: str | None, action: str = "edited", **details
) -> list[str]:
    """Apply changed fields; returns the names that changed. The history entry (``action``,
    with ``details``) keeps every changed field's previous value, so each version can be
    shown, compared and reverted to (``versions``); a revert goes to the audit log too.

    A content class may define `refuse_edit(values) -> {field: message}` to veto
    changes that depend on its state; nothing is changed then."""
    ct = get_type(obj.type_name)
    refuse = getattr(obj, "refuse_edit", None)
    if refuse is not None:
        errors = refuse(appstruct)
        if errors:
            raise EditRefused(errors)
    values = _store_file(_clean(ct, appstruct))
    changed = []
    previous = {}
    for key, value in values.items():
        if key == "file" and value is None:
            continue  # no new upload: keep the current file
        if getattr(obj, key, None) != value:
            previous[key] = getattr(obj, key, None)
            setattr(obj, key, value)
            changed.append(key)
    if changed:
        obj.modified = utcnow()
        obj.record(action, actor, fields=changed, previous=previous, **details)
        root = find_root(obj)
        root.catalog.index(obj)
        if action != "edited":
            path = _path(obj.__parent__, obj.__name__) if obj.__parent__ is not None else "/"
            root.audit.add(action, actor, path=path, fields=changed, **details)
    return changed


def delete(obj: Content, actor: str | None) -> None:
    root = find_root(obj)
    root.catalog.unindex_subtree(obj)
    obj.__parent__.remove(obj.__name__)
    root.audit.add("deleted", actor, path=_path(obj.__parent__, obj.__name__), title=obj.title)


def move(obj: Content, target: Container, new_name: str, actor: str | None) -> Content:
    """Rename and/or move `obj` into `target` under `new_name`."""
    root = find_root(obj)
    _check_target(obj, target)
    if target is obj.__parent__ and new_name == obj.__name__:
        return obj
    target.check_name(new_name)
    root.catalog.unindex_subtree(obj)
    old_path = _path(obj.__parent__, obj.__name__)
    # Renamed in place it keeps its place; moved elsewhere it goes last.
    position = order_key(obj)[0] if target is obj.__parent__ else None
    obj.__parent__.remove(obj.__name__)
    target.add(new_name, obj, position)
    obj.record("moved", actor, previous_path=old_path)
    root.catalog.index_subtree(obj)
    return obj


def _check_target(obj: Content, target: Container) -> ContentType:
    ct = get_type(obj.type_name)
    if target.type_name not in ct.addable_to:
        raise ValueError(f"a {ct.name} cannot be placed in a {target.type_name}")
    node = target
    while node is not None:
        if node is obj:
            raise ValueError("an object cannot be put inside itself")
        node = node.__parent__
    return ct


def free_name(target: Container, name: str) -> str:
    """``name``, or when it is taken in ``target``, ``copy-of-<name>``, ``copy2-of-<name>``..."""
    found, n = name, 1
    while found in target:
        found = f"copy{n if n > 1 else ''}-of-{name}"[:100]
        n += 1
    return found


def copy(obj: Content, target: Container, actor: str | None) -> Content:
    """A copy of ``obj`` and everything inside it in ``target``: new objects made from
    the same field values, created by ``actor`` (history, owner, catalog as for any new
    object). The copy keeps the name when it is free there, else ``copy-of-<name>``."""
    ct = _check_target(obj, target)
    for node in walk(obj):
        node_type = get_type(node.type_name)
        if node_type is None or not node_type.copyable:
            raise ValueError(f"a {node.type_name} cannot be copied")
    return _copy(obj, ct, target, actor)


def _copy(obj: Content, ct: ContentType, target: Container, actor: str | None) -> Content:
    values = {name: getattr(obj, name) for name in ct.field_names() if hasattr(obj, name)}
    name = free_name(target, obj.__name__)
    blob = values.get("file")
    if blob is None:
        new = create(target, ct.name, values, actor, name=name)
    else:
        with blob.open() as fp:
            values["file"] = {"fp": fp, "filename": blob.filename, "mimetype": blob.mimetype}
            new = create(target, ct.name, values, actor, name=name)
    if obj.folderish:
        for child in obj.ordered_values():
            _copy(child, get_type(child.type_name), new, actor)
    return new


def set_local_roles(obj: Content, principal: str, roles, actor: str | None) -> None:
    before = set(obj.local_roles.get(principal, ()))
    obj.set_local_roles(principal, roles)
    if before != set(roles):
        root = find_root(obj)
        root.audit.add(
            "local_roles",
            actor,
            path=_path(obj.__parent__, obj.__name__),
            principal=principal,
            roles=sorted(roles),
            previous=sorted(before),
        )
        # Who may view changed for the whole subtree.
        for node in walk(obj):
            root.catalog.index(node)


def _path(parent, name) -> str:
    from pyramid.traversal import resource_path

    base = resource_path(parent)
    return base.rstrip("/") + "/" + name

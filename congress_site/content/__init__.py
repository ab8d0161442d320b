"""The resource tree: persistent folderish content reached by traversal."""

from .base import Container, Content, Item, SiteRoot, find_root, resource_path_tuple
from .registry import ContentType, addable_types, content_type, get_type, registered_types

__all__ = [
    "Container",
    "Content",
    "ContentType",
    "Item",
    "SiteRoot",
    "addable_types",
    "content_type",
    "find_root",
    "get_type",
    "registered_types",
    "resource_path_tuple",
]

# Registering the basic types is a side effect of importing their module.
from . import types  # noqa: E402,F401

"""The rich-text editor of the add and edit forms (TinyMCE, built by `make editor` from
the npm registry into static/vendor/): its configuration, and the lists of the site's
content and images it links to and inserts. What is stored stays the server's decision:
the schema refuses images without alternative text and ``operations`` sanitises."""

from __future__ import annotations

import json

from pyramid.traversal import resource_path
from pyramid.view import view_config

from ..content.base import Content
from ..content.operations import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from ..i18n import _
from ..security.roles import VIEW
from .site import search_principals

# The editor's language packs (tinymce-i18n file names), by site language.
EDITOR_LANGUAGES = {"fr": "fr-FR", "es": "es", "pt": "pt-BR"}
PICKER_LIMIT = 500
IMAGE_TYPES = ("Image",)
LINK_TYPES = ("Folder", "Page", "News Item", "Event", "File", "Image")


def valid_elements() -> str:
    """The sanitiser's tags and attributes in TinyMCE's syntax, so the editor offers only
    what the server keeps."""
    parts = []
    for tag in sorted(ALLOWED_TAGS):
        attributes = sorted(ALLOWED_ATTRIBUTES.get(tag, ()))
        parts.append(f"{tag}[{'|'.join(attributes)}]" if attributes else tag)
    return ",".join(parts)


def editor_config(context, request) -> str:
    """The JSON the page gives ``editor.js`` (in a <script type="application/json">)."""
    base = request.static_url("congress_site:static/vendor/tinymce/tinymce.min.js")
    base = base.rsplit("/", 1)[0]
    language = EDITOR_LANGUAGES.get(request.locale_name)
    translate = request.localizer.translate
    config = {
        "base_url": base,
        "language": language,
        "language_url": f"{base}/langs/{language}.js" if language else None,
        "links_url": request.resource_url(context, "@@editor-links"),
        "images_url": request.resource_url(context, "@@editor-images"),
        "valid_elements": valid_elements(),
        "alt_missing": translate(
            _(
                "Every image needs a text alternative: describe what it shows for those who "
                "cannot see it."
            )
        ),  # fmt: skip
    }
    # "</" cannot end the script element early.
    return json.dumps(config).replace("</", "<\\/")


def _items(context, request, types, url, title):
    site = request.site
    _total, found = site.catalog.search(
        site, search_principals(request.identity), types=list(types), sort="title", reverse=False,
        limit=PICKER_LIMIT,
    )  # fmt: skip
    return [{"title": title(obj), "value": url(obj)} for obj in found if obj is not context]


@view_config(context=Content, name="editor-links", permission=VIEW, renderer="json")
def editor_links(context, request):
    """The site's content the editor links to: what the user may view, by title."""
    return _items(
        context,
        request,
        LINK_TYPES,
        lambda obj: resource_path(obj) + "/",
        lambda obj: f"{obj.title} ({resource_path(obj)})",
    )


@view_config(context=Content, name="editor-images", permission=VIEW, renderer="json")
def editor_images(context, request):
    """The site's images the editor inserts, by title: TinyMCE offers the title as the
    alternative text, for the editor to check or rewrite (an empty one is refused)."""
    return _items(
        context,
        request,
        IMAGE_TYPES,
        lambda obj: resource_path(obj) + "/@@download",
        lambda obj: obj.title,
    )

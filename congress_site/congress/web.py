"""Plugs the congress layer into the site (included by ``congress_site.main``)."""

from __future__ import annotations


def includeme(config):
    from . import content  # noqa: F401  (declares Congress, Session, Venue)

    config.include(".fastpath")
    config.scan(".api")
    config.scan(".views")

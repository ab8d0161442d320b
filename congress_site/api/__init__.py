"""The JSON API, following plone.restapi conventions."""

MAX_JSON_BODY = 1024 * 1024


def includeme(config):
    pass

"""The web app (`kirinuki serve`): the published site live, search, the composer, a JSON API."""

from kirinuki.web.app import create_app

__all__ = ["create_app"]

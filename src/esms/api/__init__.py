"""REST API of the platform (django-ninja), versioned under /api/v1/, authenticated by scoped API tokens.

The API is a thin layer: it calls the same selectors, services and permission layer as the web pages.
"""

"""HTTP caching for public pages."""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control


def public_page(view):
    """Mark a view's response as cacheable by shared caches.

    The response must not depend on the visitor, so the view must not touch the
    session or the CSRF token; a response that sets a cookie anyway is marked private.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies:
            patch_cache_control(
                response, public=True, max_age=settings.BLOGSYNC_PUBLIC_CACHE_SECONDS
            )
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapper

"""HTTP caching for public pages."""

from functools import wraps

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt


def read_only(view):
    """Return 405 with an Allow header for any method but GET and HEAD.

    The view is exempt from CSRF checks because it changes nothing; otherwise the CSRF
    middleware would reject a POST with a 403 page before this 405 could be sent.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = HttpResponseNotAllowed(["GET", "HEAD"])
            patch_cache_control(response, private=True, no_cache=True)
            return response
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def public_page(view):
    """Mark a view's response as cacheable by shared caches.

    The response must not depend on the visitor, so the view must not touch the
    session or the CSRF token. A response that sets a cookie anyway is marked private.
    Methods other than GET and HEAD get 405 (see read_only).
    """

    @read_only
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

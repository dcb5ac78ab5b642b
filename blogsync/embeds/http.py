"""Response helpers shared by the embed, widget and API views."""

import hashlib
import json
from functools import wraps

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

JSON_CONTENT_TYPE = "application/json"


def json_response(data, status: int = 200, **kwargs) -> JsonResponse:
    """JSON with ISO 8601 dates and non-ASCII text kept readable."""
    return JsonResponse(
        data,
        status=status,
        encoder=DjangoJSONEncoder,
        safe=False,
        json_dumps_params={"ensure_ascii": False},
        **kwargs,
    )


def json_error(status: int, reason: str) -> JsonResponse:
    """Build an error response that states what failed: {"status": 404, "reason": "..."}."""
    return json_response({"status": status, "reason": reason}, status=status)


def allow_any_origin(response: HttpResponse) -> HttpResponse:
    """Let pages on any origin read the response (a GET-only, credential-free API)."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


def shared_resource(view):
    """Mark a GET-only resource readable from any origin and cacheable by shared caches.

    Unlike syncs.caching.public_page, a 304 Not Modified also carries the caching
    headers, because a cache that revalidated needs them to keep the stored copy fresh.
    Other responses (404, 405) are marked not to be stored.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "If-None-Match"
            response["Access-Control-Max-Age"] = "86400"
            return allow_any_origin(response)
        if request.method not in ("GET", "HEAD"):
            response = json_error(405, f"{request.method} is not allowed; use GET.")
            response["Allow"] = "GET, HEAD, OPTIONS"
            return allow_any_origin(response)
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 304) and not response.cookies:
            patch_cache_control(
                response, public=True, max_age=settings.BLOGSYNC_PUBLIC_CACHE_SECONDS
            )
        else:
            patch_cache_control(response, private=True, no_cache=True)
        response["Access-Control-Expose-Headers"] = "ETag"
        return allow_any_origin(response)

    # The wrapper returns a JSON 405 for other methods itself, instead of CSRF's 403 page.
    return csrf_exempt(wrapper)


def hash_etag(*parts) -> str:
    """A strong ETag value (quoted) made from `parts`, which must be JSON-serialisable."""
    digest = hashlib.blake2b(
        json.dumps(parts, cls=DjangoJSONEncoder).encode(), digest_size=12
    ).hexdigest()
    return f'"{digest}"'

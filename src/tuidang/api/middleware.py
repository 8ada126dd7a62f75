"""Makes every error under /api/ a JSON body: Django's own 404 and 405 pages,
CSRF refusals and body-size refusals would otherwise be HTML or plain text."""

from django.http import JsonResponse

API_PREFIX = "/api/"


class JsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        message = response.reason_phrase
        if response.get("Content-Type", "").startswith("text/plain"):
            message = response.content.decode("utf-8", "replace")[:200] or message
        replacement = JsonResponse({"error": message, "fields": {}}, status=response.status_code)
        if response.has_header("Allow"):
            replacement["Allow"] = response["Allow"]
        return replacement

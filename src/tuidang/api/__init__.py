"""The JSON API (django-ninja) for partner centres and apps, with its OpenAPI
document at /api/v1/openapi.json. Every error is a 4xx JSON body."""

"""The API's endpoints. Declarations go through the one intake function, exactly
like the web form; totals come from the one tally module."""

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.cache import never_cache
from ninja import Header, NinjaAPI, Status
from ninja.decorators import decorate_view
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tuidang.api.schemas import DeclarationIn, ErrorOut, ProofOfWorkOut, ReceiptOut, TallyOut
from tuidang.registry.choices import Channel
from tuidang.registry.intake import DeclarationInput, IntakeError, PersonInput, declare
from tuidang.transparency import published
from tuidang.web import proof_of_work

api = NinjaAPI(
    title="tuidang API",
    version="1",
    description="Declarations and totals of the tuidang registry.",
    urls_namespace="api",
    docs_url=None,  # the interactive docs page loads third-party scripts
)


def _error(request, message: str, status: int, fields: dict | None = None):
    return api.create_response(request, {"error": message, "fields": fields or {}}, status=status)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        location = ".".join(str(part) for part in item.get("loc", ())[1:]) or "body"
        fields.setdefault(location, []).append(item.get("msg", "invalid"))
    return _error(request, "The request is not valid.", 422, fields)


@api.exception_handler(IntakeError)
def _intake_refused(request, exc: IntakeError):
    fields = {key: [str(m) for m in messages] for key, messages in exc.errors.items()}
    return _error(request, "The declaration was not accepted for intake.", 422, fields)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, str(exc), exc.status_code)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return _error(request, "Unauthorised.", 401)


@api.get("/tally", response=TallyOut, summary="All published totals, at a checkpoint")
def get_tally(request: HttpRequest):
    body = published.latest_rendered(
        lambda document: api.renderer.render(
            request, TallyOut.model_validate(document).model_dump(), response_status=200
        )
    )
    return HttpResponse(body, content_type=api.renderer.media_type)


@api.get("/ping", summary="Liveness: answers without reading the database")
def ping(request: HttpRequest):
    # Also the trivial baseline of bench/http_bench.py (same stack, no work).
    return {"ok": True}


@api.get(
    "/proof-of-work",
    response=ProofOfWorkOut,
    summary="A proof-of-work challenge for POST /declarations (optional, against floods)",
)
@decorate_view(never_cache)  # every answer is a fresh single-use challenge
def get_proof_of_work(request: HttpRequest):
    bits = proof_of_work.difficulty()
    challenge = proof_of_work.new_challenge() if bits else None
    return {"enabled": bits > 0, "bits": bits, "challenge": challenge}


@api.post(
    "/declarations",
    response={201: ReceiptOut, 200: ReceiptOut, 422: ErrorOut, 400: ErrorOut, 413: ErrorOut},
    summary="Record a declaration (starts as received, reviewed before counting)",
)
@decorate_view(never_cache)  # the answer carries the receipt code: no cache may keep it
def post_declaration(
    request: HttpRequest,
    body: DeclarationIn,
    idempotency_key: str = Header(
        "",
        alias="Idempotency-Key",
        max_length=200,
        description="Optional. A retry with the same key (say, after a lost answer) returns "
        "the first declaration, with the same receipt code, and stores nothing new (200, "
        "`replayed: true`). The code is kept only encrypted under this key, so it is as "
        "secret as the key: use a fresh key from a secure random generator for each "
        "declaration, of 128 bits or more (e.g. 32 hex digits) or a random UUID (v4).",
    ),
    proof: str = Header(
        "",
        alias="Proof-Of-Work",
        max_length=proof_of_work.PROOF_MAX,
        description="Optional `<challenge>:<counter>` (GET /proof-of-work); without a valid "
        "one, while proof of work is on, the declaration is reviewed after all others.",
    ),
):
    # The public site takes its language from the URL; the API from Accept-Language.
    with translation.override(translation.get_language_from_request(request)):
        receipt = _declare(body, idempotency_key, unproven=proof_of_work.unproven(proof))
    result = {
        "receipt_code": receipt.code,
        "status": receipt.status,
        "persons": receipt.persons,
        "public_names": [vars(name) for name in receipt.public_names],
        "replayed": receipt.replayed,
    }
    return Status(200 if receipt.replayed else 201, result)


def _declare(body: DeclarationIn, idempotency_key: str, *, unproven: bool = False):
    return declare(
        DeclarationInput(
            channel=Channel.API,
            organisations=body.organisations,
            people=[PersonInput(p.naming, p.true_name, p.alias) for p in body.people],
            unnamed_persons=body.unnamed_persons,
            by_proxy=body.by_proxy,
            proxy_relationship=body.proxy_relationship,
            contact=body.contact,
            country=body.country,
            province=body.province,
            sector=body.sector,
            rank=body.rank,
            statement=body.statement,
            idempotency_key=("api:" + idempotency_key) if idempotency_key else "",
            unproven=unproven,
        )
    )

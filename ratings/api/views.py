"""Ratings API: the applicant rates a returned dossier once, changes it for 7 days, reads it.

The same services as the rating page decide (`ratings.services.rating_submit` and
`rating_update`, channel WEB); the views pick the dossier the caller may see (another
person's dossier is a 404, like a missing one) and shape the answer. Partner tokens are
not accepted: a rating is the citizen's own opinion.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from core.api import Problem
from dossiers.api.common import (
    AUTH_PROBLEMS,
    DOSSIER_KEY,
    IDEMPOTENCY_KEY,
    IDEMPOTENT_REPLAYED_HEADER,
    LOCATION_HEADER,
    NOT_FOUND,
    UNSUPPORTED_MEDIA,
    ApiView,
    get_dossier,
    problem,
    problem_example,
)
from dossiers.api.idempotency import fingerprint, run_idempotent
from dossiers.models import Dossier

from ..constants import RatingChannel
from ..exceptions import RatingError
from ..selectors import rating_for, rating_panel
from ..services import Answers, rating_submit, rating_update
from .serializers import RatingInputSerializer, RatingPanelOutputSerializer

TAGS = ["ratings"]
P = "application/problem+json"
SESSION_ONLY = (
    "Chỉ phiên đăng nhập của công dân; mã truy cập đối tác không dùng được (403) / Citizen "
    "sessions only; partner tokens are refused (403)."
)


def as_problem(exc: RatingError) -> Problem:
    return Problem(status_code=exc.status, code=exc.code, title=exc.message)


def panel_response(request, dossier: Dossier, *, status_code=200, replayed=False) -> Response:
    """The rating of the dossier as this caller may see it."""
    panel = rating_panel(user=request.user, dossier=dossier) or {
        "rating": None,
        "can_rate": False,
        "can_edit": False,
    }
    body = RatingPanelOutputSerializer(
        {**panel, "dossier": dossier}, context={"request": request}
    ).data
    headers = {}
    if status_code == status.HTTP_201_CREATED:
        headers["Location"] = body["url"]
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(body, status=status_code, headers=headers)


def _answers(request) -> Answers:
    serializer = RatingInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Answers(**serializer.validated_data)


# --- OpenAPI -------------------------------------------------------------------------

ANSWERS_EXAMPLE = OpenApiExample(
    "Đánh giá / A rating",
    value={
        "score": 5,
        "timeliness": 4,
        "attitude": 5,
        "guidance": 4,
        "trips_needed": 0,
        "comment": "Cán bộ hướng dẫn tận tình.",
    },
    request_only=True,
)
PANEL_EXAMPLE = OpenApiExample(
    "Đã đánh giá / Rated",
    value={
        "dossier": "000.00.01.H26-261124-0001",
        "url": "https://portal.vss.gov.vn/api/v1/dossiers/000.00.01.H26-261124-0001/rating/",
        "can_rate": False,
        "can_edit": True,
        "rating": {
            "score": 5,
            "timeliness": 4,
            "attitude": 5,
            "guidance": 4,
            "trips_needed": 0,
            "comment": "Cán bộ hướng dẫn tận tình.",
            "channel": "web",
            "created_at": "2026-12-01T09:30:00+07:00",
            "updated_at": "2026-12-01T09:30:00+07:00",
            "editable_until": "2026-12-08T09:30:00+07:00",
        },
    },
    response_only=True,
)
NOT_YET_EXAMPLE = OpenApiExample(
    "Chưa đánh giá / Not rated yet",
    value={
        "dossier": "000.00.01.H26-261124-0001",
        "url": "https://portal.vss.gov.vn/api/v1/dossiers/000.00.01.H26-261124-0001/rating/",
        "can_rate": True,
        "can_edit": False,
        "rating": None,
    },
    response_only=True,
)
SCORE_ERROR = {
    (400, P): problem(
        "Câu trả lời không hợp lệ; `errors` liệt kê từng trường / Invalid answers; `errors` "
        "lists each field.",
        problem_example(
            "Điểm ngoài 1-5 / Score out of 1-5",
            400,
            "validation_error",
            "The request has invalid fields.",
            errors=[
                {"field": "score", "message": "Choose a score from 1 to 5.", "code": "max_value"}
            ],
        ),
    )
}
NOT_APPLICANT = {
    (403, P): problem(
        "Chỉ người nộp hồ sơ được đánh giá (cán bộ không đánh giá thay), hoặc mã truy cập đối "
        "tác / Only the dossier's applicant rates it (staff cannot rate in their place), or a "
        "partner token was used.",
        problem_example(
            "Không phải người nộp / Not the applicant",
            403,
            "not_allowed",
            "Only the applicant of the dossier can rate it.",
        ),
    ),
}


def _conflicts(*examples: OpenApiExample) -> dict:
    return {
        (409, P): problem(
            "Không thể đánh giá lúc này / The rating cannot be given or changed now.", *examples
        )
    }


NOT_RATABLE = problem_example(
    "Chưa trả kết quả / Result not returned yet",
    409,
    "not_ratable",
    "You can rate the service once the result of the dossier has been returned.",
)
ALREADY_RATED = problem_example(
    "Đã đánh giá / Already rated",
    409,
    "already_rated",
    "This dossier has already been rated. Each dossier is rated once.",
)
WINDOW_CLOSED = problem_example(
    "Quá 7 ngày / Past the 7 days",
    409,
    "edit_window_closed",
    "A rating can only be changed during the 7 days after it was given.",
)


class DossierRatingApi(ApiView):
    # No scope names this operation: partner tokens are refused (HasScope).
    required_scopes = None

    @extend_schema(
        operation_id="ratings_retrieve",
        tags=TAGS,
        summary="Xem đánh giá hài lòng / Read a dossier's satisfaction rating",
        description=(
            "Đánh giá mức độ hài lòng của hồ sơ và những gì người gọi được làm: `can_rate` "
            "(chưa đánh giá, hồ sơ đã trả kết quả) và `can_edit` (trong 7 ngày sau khi đánh "
            "giá). Công dân chỉ xem hồ sơ của mình; cán bộ xem đánh giá hồ sơ của cơ quan "
            "mình. Hồ sơ của người khác trả 404 như hồ sơ không tồn tại.\n\n"
            "The dossier's satisfaction rating and what the caller may do: `can_rate` (not "
            "rated yet, result returned) and `can_edit` (within 7 days of rating). Citizens "
            "see only their own dossiers; officers see the ratings of their office's "
            "dossiers. Another person's dossier is a 404, like a missing one. "
            f"{SESSION_ONLY}"
        ),
        parameters=[DOSSIER_KEY],
        responses={
            200: OpenApiResponse(
                RatingPanelOutputSerializer,
                description="Đánh giá / The rating.",
                examples=[PANEL_EXAMPLE, NOT_YET_EXAMPLE],
            ),
            **AUTH_PROBLEMS,
            **NOT_FOUND,
        },
    )
    def get(self, request, code: str):
        return panel_response(request, get_dossier(request, code))

    @extend_schema(
        operation_id="ratings_create",
        tags=TAGS,
        summary="Đánh giá hài lòng / Rate a returned dossier",
        description=(
            "Người nộp đánh giá một lần mức độ hài lòng khi hồ sơ đã trả kết quả: điểm chung, "
            "ba tiêu chí (1-5), số lần phải đến cơ quan và góp ý. Đánh giá lần hai trả 409 "
            "(dùng PUT để sửa trong 7 ngày). Hỗ trợ Idempotency-Key.\n\n"
            "The applicant rates a dossier once its result was returned: the overall score, "
            "three criteria (1-5), the trips to the office needed and a comment. A second "
            "rating is a 409 (use PUT to change it within 7 days). Honours Idempotency-Key. "
            f"{SESSION_ONLY}"
        ),
        request=RatingInputSerializer,
        parameters=[DOSSIER_KEY, IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED_HEADER, LOCATION_HEADER],
        examples=[ANSWERS_EXAMPLE],
        responses={
            201: OpenApiResponse(
                RatingPanelOutputSerializer,
                description="Đánh giá đã lưu / The saved rating.",
                examples=[PANEL_EXAMPLE],
            ),
            **SCORE_ERROR,
            **AUTH_PROBLEMS,
            **NOT_APPLICANT,
            **NOT_FOUND,
            **_conflicts(NOT_RATABLE, ALREADY_RATED),
            **UNSUPPORTED_MEDIA,
            (422, P): problem(
                "Idempotency-Key đã dùng cho yêu cầu khác / The Idempotency-Key was used for a "
                "different request."
            ),
        },
    )
    def post(self, request, code: str):
        dossier = get_dossier(request, code)
        answers = _answers(request)

        def create():
            try:
                rating = rating_submit(
                    dossier=dossier, rater=request.user, channel=RatingChannel.WEB, answers=answers
                )
            except RatingError as exc:
                raise as_problem(exc) from exc
            return dossier, rating

        dossier, _rating, replayed = run_idempotent(
            request=request, request_fingerprint=fingerprint(request, request.data), create=create
        )
        return panel_response(
            request, dossier, status_code=status.HTTP_201_CREATED, replayed=replayed
        )

    @extend_schema(
        operation_id="ratings_update",
        tags=TAGS,
        summary="Sửa đánh giá / Change a rating",
        description=(
            "Người nộp sửa đánh giá trong 7 ngày kể từ khi đánh giá (gửi đủ các câu trả lời). "
            "Chưa có đánh giá thì 404 (`not_rated`); quá 7 ngày thì 409.\n\n"
            "The applicant changes the rating within 7 days of giving it (send every answer). "
            "No rating yet is a 404 (`not_rated`); after 7 days, a 409. "
            f"{SESSION_ONLY}"
        ),
        request=RatingInputSerializer,
        parameters=[DOSSIER_KEY],
        examples=[ANSWERS_EXAMPLE],
        responses={
            200: OpenApiResponse(
                RatingPanelOutputSerializer,
                description="Đánh giá đã sửa / The changed rating.",
                examples=[PANEL_EXAMPLE],
            ),
            **SCORE_ERROR,
            **AUTH_PROBLEMS,
            **NOT_APPLICANT,
            (404, P): problem(
                "Không có hồ sơ này, không phải của bạn, hoặc chưa được đánh giá / No such "
                "dossier, not yours, or not rated yet.",
                NOT_FOUND[(404, P)].examples[0],
                problem_example(
                    "Chưa đánh giá / Not rated yet",
                    404,
                    "not_rated",
                    "This dossier has not been rated yet.",
                ),
            ),
            **_conflicts(WINDOW_CLOSED),
            **UNSUPPORTED_MEDIA,
        },
    )
    def put(self, request, code: str):
        dossier = get_dossier(request, code)
        answers = _answers(request)
        rating = rating_for(dossier)
        if rating is None:
            raise Problem(
                status_code=404, code="not_rated", title=_("This dossier has not been rated yet.")
            )
        try:
            rating_update(
                rating=rating, actor=request.user, channel=RatingChannel.WEB, answers=answers
            )
        except RatingError as exc:
            raise as_problem(exc) from exc
        return panel_response(request, dossier)

"""Workflow actions: POST /api/v1/dossiers/{code}/actions/{action}/, one operation each.

The same services and rules as the officer pages (`dossiers.views.processing`): who may act
and from which state is decided by `dossiers.services.workflow`. Each action gets its own
view class, so that the OpenAPI document states its own request body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from accounts.constants import Role
from accounts.models import User
from core.api_access import Scope

from ..constants import Outcome
from ..exceptions import DossierConflict
from ..services import (
    dossier_accept,
    dossier_apologise,
    dossier_assign,
    dossier_confirm_payment,
    dossier_decide,
    dossier_refuse,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_return_result,
    dossier_send_back,
    dossier_send_to_appraisal,
    dossier_sign,
    dossier_stop,
    dossier_supply,
    dossier_take_next,
    dossier_verification_record,
    dossier_withdraw,
)
from . import examples
from .common import (
    AUTH_PROBLEMS,
    BAD_REQUEST,
    DOSSIER_KEY,
    ETAG_HEADER,
    NOT_FOUND,
    STALE,
    UNSUPPORTED_MEDIA,
    ApiView,
    get_dossier,
    if_match_parameter,
    if_match_revision,
    problem,
    problem_example,
    stale_version_problem,
)
from .serializers import (
    ApologiseInputSerializer,
    ApproveInputSerializer,
    AssignInputSerializer,
    DenyInputSerializer,
    DossierDetailOutputSerializer,
    NoInputSerializer,
    ReasonInputSerializer,
    ReturnResultInputSerializer,
    SupplementRequestInputSerializer,
    SupplyInputSerializer,
)
from .views import detail_response


def _officer(data: dict) -> User:
    officer = User.objects.filter(pk=data["officer"], role=Role.PROCESSING_OFFICER).first()
    if officer is None:
        raise ValidationError({"officer": [_("Choose a processing officer of your office.")]})
    return officer


@dataclass(frozen=True)
class ActionSpec:
    name: str
    serializer: type[Serializer]
    run: Callable  # (dossier, user, data, revision) -> Dossier
    who_vi: str
    who_en: str
    summary_vi: str
    summary_en: str


SPECS = [
    ActionSpec(
        "accept",
        NoInputSerializer,
        lambda d, u, v, r: dossier_accept(dossier=d, officer=u, revision=r),
        "cán bộ tiếp nhận của cơ quan",
        "reception staff of the office",
        "Tiếp nhận hồ sơ nộp trực tuyến",
        "Receive an online dossier",
    ),
    ActionSpec(
        "refuse",
        ReasonInputSerializer,
        lambda d, u, v, r: dossier_refuse(dossier=d, officer=u, reason=v["reason"], revision=r),
        "cán bộ tiếp nhận",
        "reception staff",
        "Từ chối tiếp nhận",
        "Refuse at reception",
    ),
    ActionSpec(
        "request_supplement",
        SupplementRequestInputSerializer,
        lambda d, u, v, r: dossier_request_supplement(
            dossier=d, actor=u, reason=v["reason"], items=v["items"], revision=r
        ),
        "cán bộ tiếp nhận, hoặc cán bộ được giao khi đang xử lý",
        "reception staff, or the assigned officer while in processing",
        "Yêu cầu bổ sung hồ sơ",
        "Request a supplement",
    ),
    ActionSpec(
        "supply",
        SupplyInputSerializer,
        lambda d, u, v, r: dossier_supply(dossier=d, actor=u, note=v.get("note", ""), revision=r),
        "người nộp (sau khi tải lên giấy tờ bổ sung) hoặc cán bộ tiếp nhận",
        "the applicant (after uploading the missing documents) or reception staff",
        "Đã bổ sung hồ sơ",
        "Supplement provided",
    ),
    ActionSpec(
        "send_to_appraisal",
        NoInputSerializer,
        lambda d, u, v, r: dossier_send_to_appraisal(dossier=d, officer=u, revision=r),
        "cán bộ được giao",
        "the assigned officer",
        "Chuyển thẩm định",
        "Send to appraisal",
    ),
    ActionSpec(
        "request_payment",
        NoInputSerializer,
        lambda d, u, v, r: dossier_request_payment(dossier=d, officer=u, revision=r),
        "cán bộ được giao",
        "the assigned officer",
        "Yêu cầu nộp tiền",
        "Request payment",
    ),
    ActionSpec(
        "confirm_payment",
        NoInputSerializer,
        lambda d, u, v, r: dossier_confirm_payment(dossier=d, officer=u, revision=r),
        "cán bộ được giao",
        "the assigned officer",
        "Xác nhận đã nộp tiền",
        "Payment received",
    ),
    ActionSpec(
        "approve",
        ApproveInputSerializer,
        lambda d, u, v, r: dossier_decide(
            dossier=d,
            officer=u,
            outcome=Outcome.APPROVED,
            decision_text=v.get("decision_text", ""),
            revision=r,
        ),
        "cán bộ được giao",
        "the assigned officer",
        "Đề xuất giải quyết",
        "Approve",
    ),
    ActionSpec(
        "deny",
        DenyInputSerializer,
        lambda d, u, v, r: dossier_decide(
            dossier=d,
            officer=u,
            outcome=Outcome.DENIED,
            decision_text=v["decision_text"],
            revision=r,
        ),
        "cán bộ được giao",
        "the assigned officer",
        "Đề xuất từ chối giải quyết",
        "Deny",
    ),
    ActionSpec(
        "sign",
        NoInputSerializer,
        lambda d, u, v, r: dossier_sign(dossier=d, leader=u, revision=r),
        "lãnh đạo cơ quan có thẩm quyền",
        "the leader of the competent office",
        "Ký kết quả",
        "Sign the result",
    ),
    ActionSpec(
        "send_back",
        ReasonInputSerializer,
        lambda d, u, v, r: dossier_send_back(dossier=d, leader=u, reason=v["reason"], revision=r),
        "lãnh đạo cơ quan có thẩm quyền",
        "the leader of the competent office",
        "Trả lại cán bộ xử lý",
        "Send back to the officer",
    ),
    ActionSpec(
        "return_result",
        ReturnResultInputSerializer,
        lambda d, u, v, r: dossier_return_result(
            dossier=d,
            officer=u,
            delivery=v["delivery"],
            tracking_number=v.get("tracking_number", ""),
            revision=r,
        ),
        "cán bộ tiếp nhận hoặc lãnh đạo",
        "reception staff or the office leader",
        "Trả kết quả",
        "Return the result",
    ),
    ActionSpec(
        "apologise",
        ApologiseInputSerializer,
        lambda d, u, v, r: dossier_apologise(
            dossier=d, actor=u, reason=v["reason"], new_due_at=v["new_due_at"], revision=r
        ),
        "cán bộ được giao hoặc lãnh đạo",
        "the assigned officer or the office leader",
        "Xin lỗi và hẹn lại ngày trả",
        "Issue an apology with a new date",
    ),
    ActionSpec(
        "stop",
        ReasonInputSerializer,
        lambda d, u, v, r: dossier_stop(dossier=d, leader=u, reason=v["reason"], revision=r),
        "lãnh đạo cơ quan có thẩm quyền",
        "the leader of the competent office",
        "Dừng xử lý",
        "Stop processing",
    ),
    ActionSpec(
        "withdraw",
        ReasonInputSerializer,
        lambda d, u, v, r: dossier_withdraw(dossier=d, citizen=u, reason=v["reason"], revision=r),
        "người nộp (công dân, hoặc hệ thống đối tác đã nộp hồ sơ)",
        "the applicant (the citizen, or the partner system that filed it)",
        "Rút hồ sơ",
        "Withdraw the dossier",
    ),
    ActionSpec(
        "assign",
        AssignInputSerializer,
        lambda d, u, v, r: dossier_assign(dossier=d, leader=u, officer=_officer(v), revision=r),
        "lãnh đạo cơ quan",
        "the office leader",
        "Phân công cán bộ xử lý",
        "Assign a processing officer",
    ),
    ActionSpec(
        "verification",
        ReasonInputSerializer,
        lambda d, u, v, r: dossier_verification_record(
            dossier=d, officer=u, reason=v["reason"], revision=r
        ),
        "cán bộ được giao hoặc lãnh đạo, khi phiên bản thủ tục có thời hạn dài hơn khi cần "
        "xác minh (ví dụ cấp lại sổ BHXH: 45 ngày), một lần",
        "the assigned officer or the office leader, once, when the procedure version has a "
        "longer limit for verification (e.g. SI book re-issue: 45 days)",
        "Ghi nhận cần xác minh: áp dụng thời hạn dài hơn",
        "Record that verification is needed: the longer time limit applies",
    ),
]


class DossierActionApi(ApiView):
    """Base of the generated action views; `spec` is set on each subclass."""

    spec: ActionSpec
    required_scopes = (Scope.DOSSIERS_WRITE,)

    def act(self, request, code: str):
        dossier = get_dossier(request, code)
        serializer = self.spec.serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        revision = if_match_revision(request, dossier, required=False)
        try:
            changed = self.spec.run(dossier, request.user, serializer.validated_data, revision)
        except DossierConflict as exc:
            if revision is not None:
                raise stale_version_problem() from exc
            raise
        return detail_response(request, changed)


FORBIDDEN_ACTION = {
    (403, "application/problem+json"): problem(
        "Vai trò của bạn không bao giờ được làm thao tác này trên hồ sơ này (hoặc mã truy cập "
        "thiếu phạm vi) / Your role may never take this action on this dossier (or the token "
        "lacks the scope).",
        problem_example(
            "Không được phép / Not allowed",
            403,
            "not_allowed",
            "You are not allowed to do this on this dossier.",
        ),
    )
}
STATE_CONFLICT = {
    (409, "application/problem+json"): problem(
        "Xung đột với trạng thái hồ sơ: thao tác không làm được ở trạng thái hiện tại "
        "(`invalid_state`), hoặc hồ sơ vừa được người khác thay đổi (`conflict`) / Conflict "
        "with the dossier's state: the action is not possible in its current state "
        "(`invalid_state`), or someone else changed it meanwhile (`conflict`).",
        problem_example(
            "Sai trạng thái / Wrong state",
            409,
            "invalid_state",
            "This action is not possible in the dossier's current state.",
        ),
        problem_example(
            "Người khác vừa thay đổi / Changed meanwhile",
            409,
            "conflict",
            "This dossier was changed by someone else. Reload it to see the latest version, "
            "then try again.",
        ),
    )
}


def _view_for(spec: ActionSpec) -> type[DossierActionApi]:
    description = (
        f"{spec.summary_vi}. Ai được làm: {spec.who_vi}. Cùng quy tắc như trên trang của cán "
        "bộ. If-Match (không bắt buộc) chống ghi đè: phiên bản cũ trả 412.\n\n"
        f"{spec.summary_en}. Who may: {spec.who_en}. The same rules as the officers' pages. "
        "An optional If-Match guards against acting on a stale view: 412 when stale. "
        "Partner tokens need scope `dossiers_write` and can only take the applicant's "
        "actions (withdraw, supply)."
    )

    def post(self, request, code: str):
        return self.act(request, code)

    post = extend_schema(
        operation_id=f"dossiers_actions_{spec.name}",
        tags=["dossier actions"],
        summary=f"{spec.summary_vi} / {spec.summary_en}",
        description=description,
        request=spec.serializer,
        parameters=[DOSSIER_KEY, if_match_parameter(required=False), ETAG_HEADER],
        examples=examples.ACTION_REQUESTS.get(spec.name, []),
        responses={
            200: OpenApiResponse(
                DossierDetailOutputSerializer,
                description="Hồ sơ sau thao tác / The dossier after the action.",
                examples=[examples.ACTION_ANSWERS[spec.name]],
            ),
            **BAD_REQUEST,
            **AUTH_PROBLEMS,
            **FORBIDDEN_ACTION,
            **NOT_FOUND,
            **STALE,
            **UNSUPPORTED_MEDIA,
            **STATE_CONFLICT,
        },
    )(post)
    name = "".join(part.title() for part in spec.name.split("_"))
    return type(f"Dossier{name}ActionApi", (DossierActionApi,), {"spec": spec, "post": post})


ACTION_VIEWS = {spec.name: _view_for(spec) for spec in SPECS}


class TakeNextApi(ApiView):
    """A processing officer takes the next dossier from the office queue (officers only)."""

    required_scopes = None  # closed to partner tokens

    @extend_schema(
        operation_id="worklist_take_next",
        tags=["dossier actions"],
        summary="Nhận hồ sơ tiếp theo / Take the next dossier",
        description=(
            "Cán bộ xử lý nhận hồ sơ đã tiếp nhận, chưa giao ai, đến hạn sớm nhất của cơ quan "
            "mình; hai cán bộ bấm cùng lúc nhận hai hồ sơ khác nhau. Không còn hồ sơ chờ thì "
            "trả 204.\n\n"
            "A processing officer takes the received, unassigned dossier of their office that "
            "is due first; two officers asking at once get two different dossiers. 204 when "
            "nothing is waiting. Processing officers (session) only; closed to partner tokens."
        ),
        request=None,
        responses={
            200: OpenApiResponse(
                DossierDetailOutputSerializer,
                description="Hồ sơ vừa nhận, đã giao cho bạn / The dossier, now assigned to you.",
                examples=[examples.TAKEN],
            ),
            204: OpenApiResponse(description="Không còn hồ sơ chờ / Nothing is waiting."),
            **AUTH_PROBLEMS,
            **FORBIDDEN_ACTION,
        },
    )
    def post(self, request):
        dossier = dossier_take_next(officer=request.user)
        if dossier is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return detail_response(request, dossier)

"""REST API of the people side under /api/v1/, scoped like the pages: reviews to give,
a result's reviews (groups; completion, reviewers and — where the scheme's review policy
allows — answers for HR), scales and review policies here; incidents, feedback,
interviews, appeals and improvement plans in :mod:`reviews.api_people`. Viewsets call
the services and let their errors through (400 / 404 / 409, see :mod:`spm.api`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from assessment import selectors as assessment_selectors
from assessment.models import AssessmentResult
from assessment.services.common import covered_by, is_subject
from org.scoping import VIEW
from reviews import selectors
from reviews import serializers as s
from reviews.api_people import (
    AppealViewSet,
    ImprovementPlanViewSet,
    IncidentViewSet,
    InterviewViewSet,
    ThreadViewSet,
    request_actor,
)
from reviews.models import BarsAnchor, Review, ReviewPolicy
from reviews.services import appeals, bars
from reviews.services import policy as policy_services
from reviews.services import reviews as review_services
from spm.api import VERSION_QUERY, ScopedViewSetMixin, query_version


class ReviewViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Review],
):  # fmt: skip
    """The reviews the caller is asked to give (their self-assessment among them)."""

    serializer_class = s.ReviewSerializer
    filterset_fields = ["kind"]

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return selectors.my_reviews(user)

    @extend_schema(request=s.ReviewSubmitSerializer, responses=s.ReviewSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Answer (or revise) the review while the cycle runs."""
        review = self.get_object()  # out of scope: 404 whatever the body
        body = s.ReviewSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = review_services.review_submit(
            actor=request_actor(request), review=review, **body.validated_data
        )
        fresh = self.scoped(request.user, VIEW).get(pk=row.pk)
        return Response(s.ReviewSerializer(fresh, context={"request": request}).data)


class ResultReviewViewSet(
    ScopedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[AssessmentResult]
):
    """A result's 360° review: groups of at least three answers for whoever may read the
    result (once published, for the person assessed); completion and reviewers for HR."""

    serializer_class = s.ReviewSummarySerializer

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return assessment_selectors.results(user, VIEW).select_related("cycle")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        result = self.get_object()
        visible = assessment_selectors.scores_visible(request_actor(request), result)
        summary = selectors.review_summary(request_actor(request), result.pk) if visible else None
        data = {
            "result": result.pk,
            "published": visible,
            "merged": bool(summary and summary.merged),
            "self_assessed": bool(summary and summary.self_assessed),
            "groups": [
                {"kinds": list(g.kinds), "count": g.count, "mean": g.mean, "merged": g.merged}
                for g in (summary.groups if summary else [])
            ],
            "appeal_deadline": appeals.deadline_of(result),
        }
        return Response(s.ReviewSummarySerializer(data).data)

    def _hr_result(self, request: Request) -> AssessmentResult:
        result = self.get_object()
        if is_subject(request_actor(request), result) or not covered_by(
            request_actor(request), result.unit.path, review_services.HR_ROLES
        ):
            raise Http404
        return result

    @extend_schema(responses=s.ReviewCompletionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def completion(self, request: Request, pk: Any = None) -> Response:
        """HR: asked and answered per reviewer kind — counts, never answers."""
        result = self._hr_result(request)
        rows = [
            {"kind": kind, "asked": asked, "answered": answered}
            for kind, (asked, answered) in selectors.completion(
                request_actor(request), result.pk
            ).items()
        ]
        return Response(s.ReviewCompletionSerializer(rows, many=True).data)

    @extend_schema(responses=s.ReviewAnswerSerializer(many=True))
    @action(detail=True, methods=["get"])
    def answers(self, request: Request, pk: Any = None) -> Response:
        """HR: who said what — only where the cycle's scheme lets HR read answers (its
        review policy); 404 otherwise, and for the person assessed always."""
        result = self._hr_result(request)
        rows = selectors.answers(request_actor(request), result.pk)
        return Response(s.ReviewAnswerSerializer(rows, many=True).data)

    @extend_schema(responses=s.ReviewerSlotSerializer(many=True))
    @action(detail=True, methods=["get"])
    def reviewers(self, request: Request, pk: Any = None) -> Response:
        """HR: who is asked, of which kind, and whether they answered."""
        result = self._hr_result(request)
        slots = selectors.reviewers(request_actor(request), result.pk)
        return Response(s.ReviewerSlotSerializer(slots, many=True).data)

    @extend_schema(request=None, responses=s.ReviewerSlotSerializer(many=True))
    @action(detail=True, methods=["post"])
    def suggest(self, request: Request, pk: Any = None) -> Response:
        """HR: ask the reviewers suggested from the org tree and line managers."""
        result = self._hr_result(request)
        review_services.reviews_suggest(actor=request_actor(request), result=result)
        return Response(
            s.ReviewerSlotSerializer(
                selectors.reviewers(request_actor(request), result.pk), many=True
            ).data
        )

    @extend_schema(
        request=s.ReviewerAssignSerializer, responses=s.ReviewerSlotSerializer(many=True)
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: Any = None) -> Response:
        """HR: ask one more reviewer (or change the kind of one asked)."""
        result = self._hr_result(request)
        body = s.ReviewerAssignSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        review_services.review_assign(
            actor=request_actor(request), result=result, **body.validated_data
        )
        return Response(
            s.ReviewerSlotSerializer(
                selectors.reviewers(request_actor(request), result.pk), many=True
            ).data
        )

    @extend_schema(
        request=s.ReviewerWithdrawSerializer, responses=s.ReviewerSlotSerializer(many=True)
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        """HR: withdraw a reviewer who has not answered."""
        result = self._hr_result(request)
        body = s.ReviewerWithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = Review(pk=body.validated_data["review"], result=result)
        review_services.review_remove(
            actor=request_actor(request), review=row, version=body.validated_data["version"]
        )
        return Response(
            s.ReviewerSlotSerializer(
                selectors.reviewers(request_actor(request), result.pk), many=True
            ).data
        )


class AnchorViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.CreateModelMixin,
    mixins.DestroyModelMixin, viewsets.GenericViewSet[BarsAnchor],
):  # fmt: skip
    """A scheme's own behaviour anchors (the shipped scales apply where it has none)."""

    serializer_class = s.BarsAnchorSerializer
    filterset_fields = ["scheme", "behaviour"]
    ordering = ["scheme", "behaviour", "level"]

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return BarsAnchor.objects.restrict(user, action_name)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = bars.bars_anchor_set(
            actor=request_actor(self.request), **serializer.validated_data
        )

    @extend_schema(parameters=[VERSION_QUERY])
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance: BarsAnchor) -> None:
        bars.bars_anchor_delete(
            actor=request_actor(self.request), anchor=instance,
            version=query_version(self.request),
        )  # fmt: skip


class ReviewPolicyViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet[ReviewPolicy],
):  # fmt: skip
    """Schemes' review policies (a scheme without one: HR reads completion only). A POST
    sets the policy of a scheme's current version."""

    serializer_class = s.ReviewPolicySerializer
    filterset_fields = ["scheme"]
    ordering = ["scheme", "id"]

    def scoped(self, user: Any, action_name: str) -> QuerySet[Any]:
        return ReviewPolicy.objects.restrict(user, action_name)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = policy_services.review_policy_set(
            actor=request_actor(self.request), **serializer.validated_data
        )


def register(router: BaseRouter) -> None:

    router.register("reviews", ReviewViewSet, basename="review")
    router.register("result-reviews", ResultReviewViewSet, basename="result-review")
    router.register("bars-anchors", AnchorViewSet, basename="bars-anchor")
    router.register("review-policies", ReviewPolicyViewSet, basename="review-policy")
    router.register("critical-incidents", IncidentViewSet, basename="critical-incident")
    router.register("feedback-threads", ThreadViewSet, basename="feedback-thread")
    router.register("interviews", InterviewViewSet, basename="interview")
    router.register("appeals", AppealViewSet, basename="appeal")
    router.register("improvement-plans", ImprovementPlanViewSet, basename="improvement-plan")

"""REST API of the inbox: a user's own notifications (list, retrieve, mark read)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from notifications import services
from notifications.models import Notification
from org.scoping import actor_of


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    subject = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "subject",
            "body",
            "params",
            "link",
            "created_at",
            "read_at",
            "unread",
        ]
        read_only_fields = fields

    def get_unread(self, obj: Notification) -> bool:
        return obj.read_at is None


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Notification]
):
    """The caller's notifications, newest first; anybody else's are "not found".
    Subjects and bodies come in the request's language."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Notification]:
        mine = Notification.objects.restrict(self.request.user)
        if self.request.query_params.get("unread") in {"1", "true"}:
            mine = mine.unread()
        return mine.order_by("-created_at", "-pk")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request: Request, pk: Any = None) -> Response:
        """Mark the notification read (repeating it changes nothing)."""
        notification = self.get_object()
        services.notification_mark_read(actor=actor_of(request), notification_id=notification.pk)
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification of the caller read."""
        return Response({"marked": services.notification_mark_all_read(actor=actor_of(request))})


def register(router: BaseRouter) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")

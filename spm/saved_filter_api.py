"""``/api/v1/saved-filters/``: the caller's own saved filters (list, create, read, delete).

Anyone else's saved filter does not exist for the caller (404). Creating one goes through
:func:`spm.saved_filters.saved_filter_create`, which keeps only the list's own filter
parameters; saving an existing name again replaces its filter.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import BaseRouter

from spm import saved_filters as service
from spm.api import RejectUnknownFieldsMixin
from spm.models import SavedFilter


class SavedFilterSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer[SavedFilter]):
    list_name = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=60)
    query = serializers.CharField(max_length=service.MAX_QUERY, allow_blank=True, default="")
    is_default = serializers.BooleanField(default=False)

    class Meta:
        model = SavedFilter
        fields = ["id", "list_name", "name", "query", "is_default"]
        read_only_fields = ["id"]
        # The service replaces a filter saved again under its name: no unique check here.
        validators: list[Any] = []


class SavedFilterViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[SavedFilter],
):
    """The caller's saved filters of every list (``?list_name=actuals``: of one list)."""

    serializer_class = SavedFilterSerializer
    filterset_fields = ["list_name"]
    search_fields: list[str] = []
    ordering_fields = ["list_name", "name"]
    ordering = ["list_name", "name"]

    def get_queryset(self) -> QuerySet[SavedFilter]:
        user = self.request.user
        if not user.is_authenticated:
            return SavedFilter.objects.none()
        return SavedFilter.objects.filter(user_id=user.pk)

    def perform_create(self, serializer: serializers.BaseSerializer[SavedFilter]) -> None:
        serializer.instance = service.saved_filter_create(
            actor=self.request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )

    def perform_destroy(self, instance: SavedFilter) -> None:
        service.saved_filter_delete(actor=self.request.user, saved=instance)  # type: ignore[arg-type]


def register(router: BaseRouter) -> None:
    router.register("saved-filters", SavedFilterViewSet, basename="savedfilter")

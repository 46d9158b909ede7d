"""Serializers of the incentives API (explicit field lists)."""

from __future__ import annotations

from rest_framework import serializers

from incentives.models import Payout


class PayoutSerializer(serializers.ModelSerializer[Payout]):
    class Meta:
        model = Payout
        fields = [
            "id",
            "cycle",
            "result",
            "employee",
            "unit",
            "scheme",
            "grade",
            "base",
            "coefficient",
            "amount",
            "explanation",
        ]
        read_only_fields = fields

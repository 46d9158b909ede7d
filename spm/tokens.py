"""API tokens with a lifetime, revoked when their user signs out or changes the password.

``ExpiringTokenAuthentication`` is DRF's token authentication with one more rule: a token
older than ``settings.SPM_API_TOKEN_LIFETIME`` (by :func:`spm.clock.clock`) is refused and
deleted. :func:`revoke_tokens` runs on ``user_logged_out`` and whenever a user's password
hash changes, so neither a signed-out session nor an old password leaves a working token.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from spm.clock import clock


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if clock().now() - token.created >= settings.SPM_API_TOKEN_LIFETIME:
            token.delete()
            raise exceptions.AuthenticationFailed(_("The token has expired; request a new one."))
        return user, token


def revoke_tokens(user: Any) -> int:
    """Delete every API token of ``user``; how many there were."""
    if user is None or user.pk is None:
        return 0
    deleted, _rows = Token.objects.filter(user_id=user.pk).delete()
    return deleted


def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    revoke_tokens(user)


def _on_user_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        revoke_tokens(instance)


def _stamp_by_the_app_clock(sender: Any, instance: Token, created: bool, **kwargs: Any) -> None:
    """A new token's age is counted by the same clock that judges its expiry.

    ``Token.created`` is stamped by ``auto_now_add`` (real time); with the clock pinned
    (``SPM_TODAY``) a token would otherwise be born expired, or never expire.
    """
    if created and not kwargs.get("raw"):
        instance.created = clock().now()
        Token.objects.filter(pk=instance.pk).update(created=instance.created)


def connect() -> None:
    """Called from ``SpmConfig.ready``."""
    user_logged_out.connect(_on_logout, dispatch_uid="spm.tokens.logout")
    pre_save.connect(_on_user_save, sender=get_user_model(), dispatch_uid="spm.tokens.password")
    post_save.connect(_stamp_by_the_app_clock, sender=Token, dispatch_uid="spm.tokens.stamp")

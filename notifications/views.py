"""The inbox and the preference page: a user sees and changes only their own."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import services
from notifications.models import Notification, NotificationPreference
from org.scoping import actor_of
from spm.forms import BootstrapMixin, safe_next
from spm.htmx import is_htmx_partial

PAGE_SIZE = 25


class PreferenceForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ("email", "daily_digest", "language")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.restrict(request.user)
    if request.GET.get("unread"):
        mine = mine.unread()
    page = Paginator(mine.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "unread_only": bool(request.GET.get("unread"))}
    if is_htmx_partial(request):
        return render(request, "notifications/_rows.html", context)
    return render(request, "notifications/inbox.html", context)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.notification_mark_read(actor=actor_of(request), notification_id=pk)
    return redirect(safe_next(request, request.POST.get("next")) or "notification-inbox")


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way (GET is safe to repeat)."""
    notification = Notification.objects.restrict(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    services.notification_mark_read(actor=actor_of(request), notification_id=pk)
    return redirect(safe_next(request, notification.link) or "notification-inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=actor_of(request))
    messages.success(request, _("%(count)s messages marked read.") % {"count": count})
    return redirect("notification-inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = services.preference_of(request.user)
    form = PreferenceForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.preference_update(
            actor=actor_of(request),
            email=form.cleaned_data["email"],
            daily_digest=form.cleaned_data["daily_digest"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notification-preferences")
    return render(request, "notifications/preferences.html", {"form": form})

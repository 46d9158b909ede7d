"""HR pages that run the organisation: create and move units, add and deactivate people,
grant and revoke roles. Each page is scoped like the data it changes (out of scope is a
404) and writes through ``org.services``, which audits every change with simple-history.
Each edit form carries the version its editor opened: a stale save is refused with a
message and the form keeps what was typed (``org.versions``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org import selectors, services
from org.forms import DeactivateForm, EmployeeCreateForm, RoleGrantForm, UnitForm
from org.models import OrgUnit, RoleAssignment
from org.scoping import CHANGE, actor_of, scope_of
from org.versions import StaleOrgEdit
from spm.forms import act, attach_errors, attach_stale, form_save, posted_version


def _changeable_units(request: HttpRequest) -> Any:
    units = selectors.org_units(request.user, CHANGE).filter(active=True)
    if not units.exists():
        raise Http404
    return units


def _initial_unit(request: HttpRequest, units: Any) -> OrgUnit | None:
    pk = request.GET.get("parent") or request.GET.get("unit") or ""
    return units.filter(pk=pk).first() if pk.isdigit() else None


@login_required
def org_unit_new(request: HttpRequest) -> HttpResponse:
    parents = _changeable_units(request)
    form = UnitForm(
        request.POST or None,
        parents=parents,
        initial={"parent": _initial_unit(request, parents), "kind": OrgUnit.Kind.DEPARTMENT},
    )
    unit = form_save(
        request,
        form,
        lambda: services.org_unit_create(
            actor=actor_of(request),
            **{k: v for k, v in form.cleaned_data.items() if k != "version"},
        ),
    )
    if unit is not None:
        messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
        return redirect("org-unit-detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": None})


@login_required
def org_unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.org_unit_get(request.user, pk, CHANGE)
    parent_id = unit.parent_id  # the form writes the new one onto ``unit`` as it validates
    # Anywhere the actor may change, but not under the unit itself; its present parent
    # stays on offer even when it lies outside the actor's scope (the unit then stays put).
    parents = selectors.org_units(request.user, CHANGE).filter(active=True)
    parents = parents.exclude(path__startswith=unit.path)
    if unit.parent_id is not None:
        parents = parents | OrgUnit.objects.filter(pk=unit.parent_id)
    form = UnitForm(request.POST or None, instance=unit, parents=parents)
    form.fields["parent"].required = unit.parent_id is not None
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        version = fields.pop("version")
        if fields["parent"] is None or fields["parent"].pk == parent_id:
            fields.pop("parent")
        # The form wrote its values onto ``unit`` already; the service writes from a fresh row.
        stored = OrgUnit.objects.get(pk=unit.pk)
        try:
            unit = services.org_unit_update(
                actor=actor_of(request), unit=stored, expected_version=version, **fields
            )
        except StaleOrgEdit as exc:
            attach_stale(form, exc, exc.current.version)
            unit = exc.current
        except ValidationError as exc:
            attach_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Unit “%(name)s” saved.") % {"name": unit.name})
            return redirect("org-unit-detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": unit})


@login_required
def employee_new(request: HttpRequest) -> HttpResponse:
    units = _changeable_units(request)
    form = EmployeeCreateForm(
        request.POST or None,
        units=units,
        managers=selectors.employees(request.user).filter(active=True),
        initial={"unit": _initial_unit(request, units)},
    )
    person = form_save(
        request,
        form,
        lambda: services.employee_create(
            actor=actor_of(request), reason=_("added by HR"), **form.cleaned_data
        ),
    )
    if person is not None:
        messages.success(request, _("%(name)s added.") % {"name": person.name})
        return redirect("employee-detail", pk=person.pk)
    return render(request, "org/employee_form.html", {"form": form})


@login_required
def employee_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate an active person, or bring back an inactive one, with a reason."""
    person = selectors.employee_get(request.user, pk, CHANGE)
    if person.pk == scope_of(request.user).employee_id:
        raise Http404
    form = DeactivateForm(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.employee_set_active(
                actor=actor_of(request),
                employee=person,
                active=not person.active,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleOrgEdit as exc:
            # They may have been (de)activated meanwhile: the page now offers what is stored.
            attach_stale(form, exc, exc.current.version)
            person = exc.current
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            done = _("%(name)s reactivated.") if person.active else _("%(name)s deactivated.")
            messages.success(request, done % {"name": person.name})
            return redirect("employee-detail", pk=person.pk)
    return render(request, "org/employee_status.html", {"form": form, "employee": person})


@login_required
def employee_roles(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's roles in the actor's scope, and the form that grants another."""
    person = selectors.employee_get(request.user, pk, CHANGE)
    if person.pk == scope_of(request.user).employee_id:
        raise Http404
    units = _changeable_units(request)
    grantable = _grantable_anywhere(request)
    form = RoleGrantForm(
        request.POST or None,
        units=units,
        roles=grantable,
        initial={"unit": person.unit_id, "role": "manager", "version": person.version},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.role_grant(
                actor=actor_of(request), employee=person, expected_version=version, **data
            )
        except StaleOrgEdit as exc:
            attach_stale(form, exc, exc.current.version)
            person = exc.current
        except ValidationError as exc:
            attach_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("role", str(exc))
        else:
            messages.success(request, _("Role granted to %(name)s.") % {"name": person.name})
            return redirect("employee-roles", pk=person.pk)
    assignments = (
        RoleAssignment.objects.restrict(request.user)
        .filter(user_id=person.user_id)
        .select_related("unit")
        .order_by("unit__path", "role")
    )
    rows = [(a, a.role in services.may_grant(actor_of(request), a.unit)) for a in assignments]
    return render(
        request, "org/employee_roles.html", {"form": form, "employee": person, "rows": rows}
    )


def _grantable_anywhere(request: HttpRequest) -> frozenset[str]:
    scope = scope_of(request.user)
    roles: set[str] = set()
    for path in scope.paths(scope.unit_paths.keys()):
        roles |= services.may_grant(actor_of(request), OrgUnit(path=path))
    if scope.superuser:
        roles |= services.may_grant(actor_of(request), OrgUnit(path="/"))
    return frozenset(roles)


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        RoleAssignment.objects.restrict(request.user, CHANGE).select_related("unit"), pk=pk
    )
    person = get_object_or_404(
        selectors.employees(request.user, CHANGE), user_id=assignment.user_id
    )
    # Refused when stale (someone changed their roles since the page was drawn), when no
    # version was sent, or when the actor may not revoke this role.
    return act(
        request,
        lambda: services.role_revoke(
            actor=actor_of(request),
            assignment=assignment,
            expected_version=posted_version(request),
        ),
        "employee-roles",
        person.pk,
        done=_("Role revoked."),
        refusals=(ValidationError, PermissionDenied),
    )

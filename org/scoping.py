"""The one scoping mechanism of SPM.

Every read a user makes starts from :meth:`ScopedQuerySet.restrict`, modelled on NetBox's
``RestrictedQuerySet.restrict(user, action)``. A model says *where its org unit is* (a
lookup such as ``"unit"`` or ``"scorecard__unit"``) and *who owns it* (a lookup to an
``Employee``), and which roles may take which action. ``restrict`` turns the user's role
assignments into one ``WHERE`` clause:

- a manager, HR, executive or admin sees the subtree of each unit they were granted
  (``path LIKE '<unit path>%'``, cheap thanks to the materialised path; below a root, the
  subtree's unit ids, read with the grants, matched against the row's own unit column —
  see :meth:`ScopedQuerySet.subtree_q`);
- an employee sees what they own (role ``SELF``);
- a superuser sees everything.

Objects outside the result do not exist for that user: selectors fetch with
``get_object_or_404(Model.objects.restrict(user, action), pk=...)``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Final, Self, TypeAlias, final

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Role names. ``SELF`` is not assigned: every active employee has it for their own records.
EMPLOYEE = "employee"
MANAGER = "manager"
HR = "hr"
EXECUTIVE = "executive"
ADMIN = "admin"
SELF = "self"

VIEW = "view"
CHANGE = "change"

SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def action_for_method(method: str | None) -> str:
    """The scope action an HTTP method asks for: reads ``VIEW``, everything else ``CHANGE``."""
    return VIEW if (method or "GET").upper() in SAFE_METHODS else CHANGE


@final
class SystemActor:
    """The actor of background jobs, the demo seed and management commands.

    Services require an actor; a job passes :data:`SYSTEM` explicitly instead of ``None``,
    so "no actor" can never mean "skip every check" by accident. Its scope is the whole
    group, and history rows it writes have no user (the change reason says "system").
    """

    pk: None = None
    is_authenticated: Final = True
    is_superuser: Final = True
    is_active: Final = True

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = SystemActor()

# Whoever makes a change: a signed-in user, or the system for background work.
Actor: TypeAlias = "AbstractBaseUser | SystemActor"


def actor_of(request: Any) -> Actor:
    """The signed-in user of ``request``, as the actor of the services it calls.

    Views and viewsets only reach a service once signed in (``login_required``, DRF's
    ``IsAuthenticated``); should one not be, this refuses instead of passing an anonymous
    "actor" on.
    """
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def history_user(actor: Actor) -> AbstractBaseUser | None:
    """The user to name in an audit row (``None`` for the system)."""
    return None if isinstance(actor, SystemActor) else actor


def audited(row: Any, actor: Actor, reason: str = "") -> Any:
    """Name the actor (and a reason) in the history row the next save of ``row`` writes."""
    row._history_user = history_user(actor)
    if reason or isinstance(actor, SystemActor):
        row._change_reason = (reason or "system")[:100]
    return row


def minimal_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop every path that lies inside another one; the rest cover the same subtrees."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return tuple(kept)


# Moves on whenever a unit is saved or deleted in this process: a scope read before that
# no longer trusts the unit ids it read with its subtrees (see ``Scope.subtree_ids``).
_tree_generation = [0]

# A larger subtree is filtered by its path: it holds a large share of the rows anyway (as
# a whole tree does), and its ids would make every query long.
SUBTREE_IDS_MAX: Final = 1000


def tree_changed(*args: Any, **kwargs: Any) -> None:
    """Receiver of unit saves and deletes (connected in ``org.apps``)."""
    _tree_generation[0] += 1


@dataclass(frozen=True)
class Scope:
    """What one user may see: unit subtrees per role, their own employee record."""

    user_id: int | None = None
    superuser: bool = False
    employee_id: int | None = None
    employee_unit_id: int | None = None
    # the employee's name, what pages call the user by ("Welcome, Li Wei", not a login)
    employee_name: str = ""
    # role -> materialised paths of the units granted with that role
    unit_paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # role -> ids of those units (for showing "your units")
    unit_ids: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # granted unit path -> ids of every unit in its subtree (not for a root: its subtree
    # is everything), read with the grants; trusted while no unit changed since
    subtree_ids: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)
    tree_generation: int = field(default=-1, compare=False)

    def subtree_ids_of(self, path: str) -> tuple[int, ...] | None:
        """The unit ids of the granted subtree at ``path``, if known and still current."""
        if self.tree_generation != _tree_generation[0]:
            return None
        return self.subtree_ids.get(path)

    @property
    def roles(self) -> frozenset[str]:
        roles = {role for role, paths in self.unit_paths.items() if paths}
        if self.employee_id is not None:
            roles.add(EMPLOYEE)
        return frozenset(roles)

    def has_role(self, *roles: str) -> bool:
        return self.superuser or bool(self.roles & set(roles))

    def paths(self, roles: Iterable[str]) -> tuple[str, ...]:
        return minimal_paths(p for role in roles for p in self.unit_paths.get(role, ()))

    def covers(self, unit_path: str, roles: Iterable[str]) -> bool:
        """Whether a unit (by its materialised path) lies in a subtree granted with ``roles``.

        No query: the scope is computed once per user. ``SELF`` in ``roles`` is ignored here
        (ownership is a row question, see :meth:`ScopedQuerySet.self_q`).
        """
        if self.superuser:
            return True
        return any(unit_path.startswith(path) for path in self.paths(set(roles) - {SELF}))

    def may(
        self, queryset: ScopedQuerySet | type[models.Model], action: str, unit_path: str
    ) -> bool:
        """Whether the roles a model's rules give ``action`` cover the unit ``unit_path``.

        The question services ask before creating a row in a unit ("may this user add a
        scorecard/objective/indicator here?") — answered by the model's own ``scope_rules``.
        """
        qs: Any = queryset if isinstance(queryset, QuerySet) else queryset._default_manager.all()
        return self.covers(unit_path, qs.scope_rules.get(action, frozenset()))

    def units_q(self, roles: Iterable[str], lookup: str = "") -> Q:
        """A filter for rows whose unit (reached by ``lookup``) lies in the ``roles`` subtrees."""
        if self.superuser:
            return Q()
        prefix = f"{lookup}__" if lookup else ""
        q = Q(pk__in=[])
        for path in self.paths(set(roles) - {SELF}):
            q |= Q(**{f"{prefix}path__startswith": path})
        return q

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None


ANONYMOUS = Scope()


SYSTEM_SCOPE: Final = Scope(user_id=0, superuser=True)


def _column(model: type[models.Model], name: str) -> str:
    from django.db import connection

    field: Any = model._meta.get_field(name)
    return connection.ops.quote_name(field.column)


@functools.cache
def _scope_sql(vendor: str) -> str:
    """The one statement that reads a scope (built once per process and database vendor).

    One row per active grant — its role, unit, path and, below a root, the ids of every unit
    of the subtree (one comma-separated text) — and one row for the user's active employee
    record (its id, unit and name): values only, no model objects, no queryset to build.
    """
    from django.db import connection as default

    from org.models import Employee, OrgUnit, RoleAssignment

    connection: Any = default  # pattern_ops, pattern_esc: not in django-stubs
    qn = connection.ops.quote_name
    ra, unit, emp = (qn(m._meta.db_table) for m in (RoleAssignment, OrgUnit, Employee))
    ra_ = functools.partial(_column, RoleAssignment)
    unit_ = functools.partial(_column, OrgUnit)
    emp_ = functools.partial(_column, Employee)
    # "path__startswith": the subtree's path as a LIKE pattern, escaped as the ORM does.
    below = connection.pattern_ops["startswith"].format(
        connection.pattern_esc.format(f"g.{unit_('path')}")
    )
    ids = (
        f"STRING_AGG(CAST(s.{unit_('id')} AS TEXT), ',')"
        if vendor == "postgresql"
        else f"GROUP_CONCAT(s.{unit_('id')}, ',')"
    )
    # Names from the models' metadata; the user id travels as a parameter.
    return (
        "SELECT 0 AS kind, "  # noqa: S608
        f"a.{ra_('id')} AS ord, a.{ra_('role')} AS role, "
        f"g.{unit_('id')} AS unit_id, g.{unit_('path')} AS path, "
        f"CASE WHEN g.{unit_('depth')} = 0 THEN NULL ELSE "
        f"(SELECT {ids} FROM {unit} s WHERE s.{unit_('path')} {below}) END AS subtree, "
        f"NULL AS name "
        f"FROM {ra} a INNER JOIN {unit} g ON g.{unit_('id')} = a.{ra_('unit')} "
        f"WHERE a.{ra_('user')} = %s AND g.{unit_('active')} "
        f"UNION ALL "
        f"SELECT 1, e.{emp_('id')}, NULL, e.{emp_('unit')}, NULL, NULL, e.{emp_('name')} "
        f"FROM {emp} e WHERE e.{emp_('user')} = %s AND e.{emp_('active')} "
        f"ORDER BY 1, 2"
    )


def read_scope(user_id: int, superuser: bool) -> Scope:
    """The scope of the user ``user_id``: one SQL statement, values only (see
    :func:`_scope_sql`). Use :func:`scope_of`, which reads it once per request's user."""
    from django.db import connection

    unit_paths: dict[str, list[str]] = {}
    unit_ids: dict[str, list[int]] = {}
    subtree_ids: dict[str, tuple[int, ...]] = {}
    employee: tuple[int, int, str] | None = None
    generation = _tree_generation[0]
    with connection.cursor() as cursor:
        cursor.execute(_scope_sql(connection.vendor), [user_id, user_id])
        rows = cursor.fetchall()
    for kind, pk, role, unit_id, path, subtree, name in rows:
        if kind == 1:
            employee = employee or (pk, unit_id, name)
            continue
        unit_paths.setdefault(role, []).append(path)
        unit_ids.setdefault(role, []).append(unit_id)
        if subtree and subtree.count(",") < SUBTREE_IDS_MAX:
            subtree_ids[path] = tuple(int(unit) for unit in subtree.split(","))
    return Scope(
        user_id=user_id,
        superuser=superuser,
        employee_id=employee[0] if employee else None,
        employee_unit_id=employee[1] if employee else None,
        employee_name=employee[2] if employee else "",
        unit_paths={role: minimal_paths(paths) for role, paths in unit_paths.items()},
        unit_ids={role: tuple(ids) for role, ids in unit_ids.items()},
        subtree_ids=subtree_ids,
        tree_generation=generation,
    )


def scope_of(user: AbstractBaseUser | AnonymousUser | SystemActor | None) -> Scope:
    """The user's scope, read once per user object (one query): a request loads its user
    afresh, so a role granted or revoked counts from the next request on."""
    if isinstance(user, SystemActor):
        return SYSTEM_SCOPE
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_spm_scope", None)
    if cached is not None:
        return cached
    scope = read_scope(user.pk, bool(getattr(user, "is_superuser", False)))
    user._spm_scope = scope  # type: ignore[attr-defined]
    return scope


class ScopedQuerySet(models.QuerySet[Any]):
    """A queryset that knows how its rows hang on the org tree.

    Subclasses set:

    - ``scope_unit_lookup``: lookup from the model to its ``OrgUnit`` (``""`` for OrgUnit);
    - ``scope_self_lookup``: lookup from the model to the owning ``Employee`` (or ``None``);
    - ``scope_rules``: action -> roles that may take it (``SELF`` for the owner).
    """

    scope_unit_lookup: ClassVar[str] = "unit"
    scope_self_lookup: ClassVar[str | None] = None
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, HR, EXECUTIVE, ADMIN, SELF}),
        CHANGE: frozenset({ADMIN}),
    }

    def _path_lookup(self) -> str:
        prefix = f"{self.scope_unit_lookup}__" if self.scope_unit_lookup else ""
        return f"{prefix}path__startswith"

    def subtree_q(self, path: str, scope: Scope | None = None) -> Q:
        """Rows whose unit lies in the subtree at ``path`` (one granted to ``scope``).

        When the scope read the subtree's unit ids (below a root, see
        :attr:`Scope.subtree_ids`), the row's own unit column is matched against them: no
        join to the unit table, so the column's index serves the filter, also beside the
        "own rows" arm (a join was a scan of the whole table and a hash join for every
        manager's list at 100,000 employees), and the planner knows how many rows match.
        Otherwise, and for a whole tree (every row matches), the unit's path.
        """
        ids = scope.subtree_ids_of(path) if scope is not None else None
        if ids is None or not self.scope_unit_lookup:
            return Q(**{self._path_lookup(): path})
        return Q(**{f"{self.scope_unit_lookup}__in": ids})

    def self_q(self, scope: Scope) -> Q:
        """Rows the scope's employee owns. Override when ownership is not one lookup."""
        if self.scope_self_lookup is None or scope.employee_id is None:
            return Q(pk__in=[])
        return Q(**{self.scope_self_lookup: scope.employee_id})

    def scope_q(self, scope: Scope, action: str = VIEW) -> Q | None:
        """The filter for ``scope`` and ``action``; ``None`` means no restriction."""
        if scope.superuser:
            return None
        roles = self.scope_rules.get(action, frozenset())
        q = Q(pk__in=[])
        for path in scope.paths(roles - {SELF}):
            q |= self.subtree_q(path, scope)
        if SELF in roles:
            q |= self.self_q(scope)
        return q

    def restrict(self, user: Any, action: str = VIEW) -> Self:
        """Only the rows ``user`` may ``action``. Anonymous users get nothing."""
        scope = scope_of(user)
        if not scope.is_authenticated:
            return self.none()
        q = self.scope_q(scope, action)
        return self if q is None else self.filter(q)

    def can(self, user: Any, action: str, pk: Any) -> bool:
        """Whether ``user`` may ``action`` the row ``pk`` (used to re-check after a write)."""
        return self.restrict(user, action).filter(pk=pk).exists()

    def within(self, unit_id: Any) -> Self:
        """Rows whose unit lies in the subtree of ``unit_id`` (none if there is no such unit).

        The "within unit" filter of every list and API; scoping still applies on top. Given
        a unit itself (anything with a ``path``), no query is needed to find its subtree.
        """
        from org.models import OrgUnit

        path = getattr(unit_id, "path", None)
        if isinstance(path, str):
            return self.filter(self.subtree_q(path))
        try:
            unit_pk = int(unit_id)
        except (TypeError, ValueError):
            return self.none()
        if not -(2**63) < unit_pk < 2**63:
            return self.none()
        path = OrgUnit.objects.filter(pk=unit_pk).values_list("path", flat=True).first()
        if path is None:
            return self.none()
        return self.filter(self.subtree_q(path))


def require(actor: Actor, queryset: Any, pk: Any, action: str = CHANGE) -> None:
    """Raise 404 unless ``actor`` may ``action`` the row ``pk`` of ``queryset``.

    Out of scope is "not found", as for reads (never reveal what exists). Services call it
    after a write, inside their transaction, to re-check that the row is still theirs.
    """
    if not queryset.can(actor, action, pk):
        raise Http404


def get_scoped(queryset: Any, actor: Actor, pk: Any, action: str = CHANGE) -> Any:
    """The row ``pk`` if ``actor`` may ``action`` it, else 404."""
    # One row at most: ordering it (by a model's default ordering, often through joins)
    # would only cost planning.
    row = queryset.restrict(actor, action).filter(pk=pk).order_by().first()
    if row is None:
        raise Http404
    return row

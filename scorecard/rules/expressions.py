"""A small, safe evaluator for indicator formulas (never Python ``eval``).

A formula is arithmetic over other indicators' codes::

    TOTAL_PROFIT / AVG_EQUITY * 100
    ([HQ-REVENUE] - [HQ-COST]) / max(STAFF, 1)

Grammar (precedence from low to high)::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := ("+" | "-") unary | atom
    atom       := NUMBER | NAME | "[" CODE "]" | FUNC "(" expression ("," expression)* ")"
                | "(" expression ")"

``NAME`` is a code made of letters, digits, ``_`` and ``.``; any other code is written in
square brackets. The functions are ``abs``, ``min`` and ``max``. Values are ``Decimal``.
Errors are :class:`ExpressionError` subclasses with a message for people: a syntax error
(with its position), an unknown name, a cycle between formulas, a division by zero.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext

from django.utils.translation import gettext as _

MAX_LENGTH = 2000
MAX_DEPTH = 60
FUNCTIONS: dict[str, Callable[..., Decimal]] = {
    "abs": lambda x: abs(x),
    "min": lambda *xs: min(xs),
    "max": lambda *xs: max(xs),
}
ARITY = {"abs": (1, 1), "min": (1, 99), "max": (1, 99)}


class ExpressionError(ValueError):
    """A formula that cannot be read or evaluated; ``str()`` is a message for people."""


class ExpressionSyntaxError(ExpressionError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(
            _("%(message)s at position %(position)d.")
            % {"message": message, "position": position + 1}
        )
        self.position = position


class UnknownName(ExpressionError):
    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(set(names))
        super().__init__(_("Unknown indicator: %(names)s.") % {"names": ", ".join(self.names)})


class CycleError(ExpressionError):
    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__(
            _("The formulas refer to each other in a cycle: %(cycle)s.")
            % {"cycle": " → ".join(cycle)}
        )


class ZeroDivision(ExpressionError):
    def __init__(self, divisor: str) -> None:
        self.divisor = divisor
        super().__init__(_("Division by zero: %(divisor)s is 0.") % {"divisor": divisor})


# --- Syntax tree ---------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: Decimal

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class Name:
    code: str

    def __str__(self) -> str:
        return self.code if _NAME_RE.fullmatch(self.code) else f"[{self.code}]"


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Node

    def __str__(self) -> str:
        return f"{self.op}{_wrapped(self.operand)}"


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node

    def __str__(self) -> str:
        return f"{_wrapped(self.left)} {self.op} {_wrapped(self.right)}"


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Node, ...]

    def __str__(self) -> str:
        return f"{self.function}({', '.join(str(a) for a in self.args)})"


Node = Number | Name | Unary | Binary | Call


def _wrapped(node: Node) -> str:
    return f"({node})" if isinstance(node, Binary | Unary) else str(node)


def names_in(node: Node) -> set[str]:
    """Every indicator code the formula refers to."""
    if isinstance(node, Name):
        return {node.code}
    if isinstance(node, Unary):
        return names_in(node.operand)
    if isinstance(node, Binary):
        return names_in(node.left) | names_in(node.right)
    if isinstance(node, Call):
        return set().union(*(names_in(a) for a in node.args))
    return set()


# --- Parser ------------------------------------------------------------------------------

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_TOKEN_RE = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d*)?|\.\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)"
    r"|\[(?P<code>[^\[\]]+)\]|(?P<op>[-+*/(),]))"
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN_RE.match(text, position)
        if match is None or match.end() == position:
            start = position + len(text[position:]) - len(text[position:].lstrip())
            raise ExpressionSyntaxError(
                _("Unexpected character %(char)r") % {"char": text[start]}, start
            )
        kind = match.lastgroup or "op"
        tokens.append(_Token(kind, match.group(kind).strip(), match.start(kind)))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def at(self, *ops: str) -> bool:
        return self.current.kind == "op" and self.current.text in ops

    def take(self, text: str | None = None) -> _Token:
        token = self.current
        wanted_kind = "end" if text == "" else "op"
        if text is not None and (token.kind != wanted_kind or token.text != text):
            expected = _("end of formula") if not text else repr(text)
            found = repr(token.text) if token.kind != "end" else _("end of formula")
            raise ExpressionSyntaxError(
                _("Expected %(expected)s, found %(found)s")
                % {"expected": expected, "found": found},
                token.position,
            )
        self.index += 1
        return token

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionSyntaxError(
                _("The formula is nested too deeply"), self.current.position
            )

    def expression(self) -> Node:
        self.nested()
        node = self.term()
        while self.at("+", "-"):
            op = self.take().text
            node = Binary(op, node, self.term())
        self.depth -= 1
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.at("*", "/"):
            op = self.take().text
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.at("+", "-"):
            self.nested()
            op = self.take().text
            node: Node = Unary(op, self.unary())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.take()
            return Number(Decimal(token.text))
        if token.kind == "code":
            self.take()
            return Name(token.text.strip())
        if token.kind == "name":
            self.take()
            if self.at("(") and token.text.lower() in FUNCTIONS:
                return self.call(token)
            return Name(token.text)
        if self.at("("):
            self.take()
            node = self.expression()
            self.take(")")
            return node
        found = repr(token.text) if token.kind != "end" else _("end of formula")
        raise ExpressionSyntaxError(
            _("Expected a number, an indicator or '(', found %(found)s") % {"found": found},
            token.position,
        )

    def call(self, name: _Token) -> Node:
        function = name.text.lower()
        self.take("(")
        args = [self.expression()]
        while self.at(","):
            self.take()
            args.append(self.expression())
        self.take(")")
        low, high = ARITY[function]
        if not low <= len(args) <= high:
            raise ExpressionSyntaxError(
                _("%(function)s() takes %(low)d to %(high)d arguments")
                % {"function": function, "low": low, "high": high},
                name.position,
            )
        return Call(function, tuple(args))


def parse(text: str) -> Node:
    """The syntax tree of ``text``; raises :class:`ExpressionSyntaxError`."""
    if len(text) > MAX_LENGTH:
        raise ExpressionSyntaxError(_("The formula is too long"), MAX_LENGTH)
    if not text.strip():
        raise ExpressionSyntaxError(_("The formula is empty"), 0)
    parser = _Parser(text)
    node = parser.expression()
    parser.take("")
    return node


# --- Evaluation -----------------------------------------------------------------------------


def evaluate(node: Node, values: Mapping[str, Decimal]) -> Decimal:
    """The value of ``node`` given the indicators' ``values``."""
    missing = names_in(node) - set(values)
    if missing:
        raise UnknownName(missing)
    with localcontext() as context:
        context.prec = 28
        context.traps[DivisionByZero] = True
        context.traps[InvalidOperation] = True
        try:
            return _value(node, values)
        except ExpressionError:
            raise
        except ArithmeticError as exc:
            raise ExpressionError(
                _("The formula cannot be computed: %(error)s") % {"error": exc}
            ) from exc


def _value(node: Node, values: Mapping[str, Decimal]) -> Decimal:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        return Decimal(values[node.code])
    if isinstance(node, Unary):
        operand = _value(node.operand, values)
        return -operand if node.op == "-" else +operand
    if isinstance(node, Call):
        return FUNCTIONS[node.function](*(_value(a, values) for a in node.args))
    left, right = _value(node.left, values), _value(node.right, values)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if right == 0:
        raise ZeroDivision(str(node.right))
    return left / right


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle in ``graph`` (code -> codes its formula uses) as a closed path, or ``None``."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(code: str) -> list[str] | None:
        state[code] = 1
        path.append(code)
        for used in sorted(graph.get(code, ())):
            if state.get(used) == 1:
                return [*path[path.index(used) :], used]
            if used not in state:
                found = visit(used)
                if found:
                    return found
        path.pop()
        state[code] = 2
        return None

    for code in sorted(graph):
        if code not in state:
            found = visit(code)
            if found:
                return found
    return None


def check_formulas(formulas: Mapping[str, Node], known: Iterable[str]) -> None:
    """Refuse unknown codes and cycles among ``formulas`` (code -> syntax tree)."""
    known_codes = set(known) | set(formulas)
    unknown = set().union(*(names_in(n) for n in formulas.values())) - known_codes
    if unknown:
        raise UnknownName(unknown)
    cycle = find_cycle({code: names_in(node) for code, node in formulas.items()})
    if cycle:
        raise CycleError(cycle)


def evaluate_all(
    formulas: Mapping[str, Node], values: Mapping[str, Decimal], wanted: Iterable[str]
) -> dict[str, Decimal]:
    """Values of the ``wanted`` codes: measured ones from ``values``, the others computed
    from their formulas (recursively), after checking for cycles."""
    cycle = find_cycle({code: names_in(node) for code, node in formulas.items()})
    if cycle:
        raise CycleError(cycle)
    known: dict[str, Decimal] = dict(values)

    def resolve(code: str) -> Decimal:
        if code in known:
            return known[code]
        if code not in formulas:
            raise UnknownName([code])
        node = formulas[code]
        inputs = {name: resolve(name) for name in sorted(names_in(node))}
        known[code] = evaluate(node, inputs)
        return known[code]

    return {code: resolve(code) for code in wanted}

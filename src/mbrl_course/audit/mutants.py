"""AST mutation operators for one definition of a notebook cell, with stable mutant ids.

Why our own operators instead of mutmut's or cosmic-ray's: both are built to mutate modules on
disk and drive pytest (mutmut 3 rewrites files into libcst "trampolines"; cosmic-ray mutates
parso trees from a session database and runs a test command per module). A notebook cell is
neither a module on disk nor tested by pytest, and neither library has the operators students'
bugs need most here (a statement removed, two statements swapped, argmax/argmin, sum/mean,
off-by-one in ``range`` and slices). Using them would mean two new dependencies (libcst, parso)
for the comparison and arithmetic tables only, so the operators are written with :mod:`ast`.

A mutant changes exactly one node. Its source is produced by replacing only the changed span of
the cell's text (the rest keeps its comments and layout), so its diff shows the one change.
The id ``<definition>:<operator>:<hash>`` hashes the definition, the original and mutated text of
the span and the occurrence number of that same (original, mutated) pair in the definition: it
survives edits elsewhere in the notebook, which keeps the equivalents file valid.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

CMP_SWAPS: dict[type, tuple[type, ...]] = {
    ast.Lt: (ast.LtE, ast.Gt),
    ast.LtE: (ast.Lt, ast.GtE),
    ast.Gt: (ast.GtE, ast.Lt),
    ast.GtE: (ast.Gt, ast.LtE),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
}
ARITH_SWAPS: dict[type, tuple[type, ...]] = {
    ast.Add: (ast.Sub,),
    ast.Sub: (ast.Add,),
    ast.Mult: (ast.Div,),
    ast.Div: (ast.Mult,),
    ast.FloorDiv: (ast.Div,),
    ast.Mod: (ast.FloorDiv,),
    ast.Pow: (ast.Mult,),
}
CONST_SWAPS: dict[int, tuple[int, ...]] = {0: (1,), 1: (0, 2), 2: (1,)}
NAME_SWAPS: dict[str, str] = {
    "max": "min",
    "min": "max",
    "argmax": "argmin",
    "argmin": "argmax",
    "sum": "mean",
    "mean": "sum",
    "nanmax": "nanmin",
    "nanmin": "nanmax",
}
BUILTIN_SWAPS = {"max": "min", "min": "max"}
"""Bare-name calls swapped (``max(a, b)``); ``sum`` has no builtin ``mean`` to swap with."""

OPERATORS = (
    "range_off_by_one",
    "slice_off_by_one",
    "comparison",
    "boolean",
    "arithmetic",
    "constant",
    "function_swap",
    "statement_removed",
    "statements_swapped",
    "break_continue",
    "argument_dropped",
)


@dataclass(frozen=True)
class Mutant:
    """One mutated version of a definition: where, what, and the whole mutated cell source."""

    id: str
    definition: str
    operator: str
    line: int
    """Line of the change inside the cell (1-based)."""
    original: str
    """The changed span before the mutation."""
    mutated: str
    """The changed span after the mutation."""
    source: str
    """The whole cell source with the mutation applied."""

    def diff(self, original_source: str, label: str = "solution") -> str:
        """Unified diff of the cell source against `original_source` (three lines of context)."""
        lines = difflib.unified_diff(
            original_source.splitlines(keepends=True),
            self.source.splitlines(keepends=True),
            fromfile=f"{label} ({self.definition})",
            tofile=f"mutant {self.id}",
            n=3,
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True)
class _Edit:
    operator: str
    start: tuple[int, int]
    end: tuple[int, int]
    replacement: str


def find_definition(tree: ast.Module, qualname: str) -> ast.FunctionDef | ast.ClassDef | None:
    """The top-level function ``name`` or method ``Class.method`` of a parsed cell."""
    parts = qualname.split(".")
    body: list[ast.stmt] = tree.body
    node: ast.AST | None = None
    for part in parts:
        node = next(
            (
                n
                for n in body
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and n.name == part
            ),
            None,
        )
        if node is None:
            return None
        body = node.body
    return node  # type: ignore[return-value]


def _offsets(source: str) -> list[int]:
    """Character offset of the start of each line (index 0 is line 1)."""
    offsets, total = [], 0
    for line in source.splitlines(keepends=True):
        offsets.append(total)
        total += len(line)
    offsets.append(total)
    return offsets


def _utf8_col(line_text: str, col: int) -> int:
    """ast columns are UTF-8 byte offsets; return the character offset in the line."""
    return len(line_text.encode("utf-8")[:col].decode("utf-8", errors="ignore"))


class _Source:
    def __init__(self, source: str) -> None:
        self.text = source
        self.lines = source.splitlines(keepends=True)
        self.offsets = _offsets(source)

    def pos(self, line: int, col: int) -> int:
        return self.offsets[line - 1] + _utf8_col(self.lines[line - 1], col)

    def segment(self, node: ast.AST) -> str:
        return self.text[self.span(node)[0] : self.span(node)[1]]

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (
            self.pos(node.lineno, node.col_offset),  # type: ignore[attr-defined]
            self.pos(node.end_lineno, node.end_col_offset),  # type: ignore[attr-defined]
        )

    def line_span(self, first: ast.stmt, last: ast.stmt) -> tuple[int, int]:
        """Whole lines from the first statement's line to the last one's (with the newline)."""
        return self.offsets[first.lineno - 1], self.offsets[last.end_lineno]  # type: ignore[index]


def _is_docstring(stmt: ast.stmt, index: int) -> bool:
    return (
        index == 0
        and isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _plus(expr: ast.expr, delta: int) -> ast.expr:
    op: ast.operator = ast.Add() if delta > 0 else ast.Sub()
    return ast.BinOp(left=expr, op=op, right=ast.Constant(abs(delta)))


def _with_op(node: ast.AST, **changes: object) -> ast.AST:
    """Shallow copy of `node` with some fields replaced (the original tree stays untouched)."""
    fields = {name: getattr(node, name) for name in node._fields}
    fields.update(changes)
    return type(node)(**fields)


class _Collector:
    """Walk one definition and list every single-node edit, in source order."""

    def __init__(self, src: _Source) -> None:
        self.src = src
        self.edits: list[tuple[ast.AST, _Edit]] = []

    def expr_edit(self, operator: str, node: ast.AST, new: ast.AST) -> None:
        start, end = self.src.span(node)
        self.edits.append((node, _Edit(operator, (start, 0), (end, 0), ast.unparse(new))))

    def text_edit(self, operator: str, start: int, end: int, text: str, node: ast.AST) -> None:
        self.edits.append((node, _Edit(operator, (start, 0), (end, 0), text)))

    # ----------------------------------------------------------------- expressions

    def visit_expr(self, node: ast.AST) -> None:
        for child in ast.walk(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            self._expr_mutations(child)

    def _expr_mutations(self, node: ast.AST) -> None:
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            for new_op in CMP_SWAPS.get(type(node.ops[0]), ()):
                self.expr_edit("comparison", node, _with_op(node, ops=[new_op()]))
        elif isinstance(node, ast.BoolOp):
            other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            self.expr_edit("boolean", node, _with_op(node, op=other))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            operator = "boolean" if isinstance(node.op, ast.Not) else "arithmetic"
            self.expr_edit(operator, node, node.operand)
        elif isinstance(node, ast.BinOp):
            for new_op in ARITH_SWAPS.get(type(node.op), ()):
                self.expr_edit("arithmetic", node, _with_op(node, op=new_op()))
        elif isinstance(node, ast.Constant):
            self._constant(node)
        elif isinstance(node, ast.Call):
            self._call(node)
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            self._slice(node.slice)

    def _constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self.expr_edit("boolean", node, ast.Constant(not value))
        elif isinstance(value, (int, float)) and value in CONST_SWAPS:
            for new in CONST_SWAPS[int(value)]:
                self.expr_edit("constant", node, ast.Constant(type(value)(new)))

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id == "range":
            self._range(node)
        if isinstance(func, ast.Name) and func.id in BUILTIN_SWAPS:
            self.expr_edit("function_swap", func, ast.Name(BUILTIN_SWAPS[func.id]))
        if isinstance(func, ast.Attribute) and func.attr in NAME_SWAPS:
            start, end = self.src.span(func)
            attr_start = end - len(func.attr)
            self.text_edit("function_swap", attr_start, end, NAME_SWAPS[func.attr], func)
        positional = [a for a in node.args if not isinstance(a, ast.Starred)]
        if len(positional) >= 2 or (positional and node.keywords):
            for i in range(len(node.args)):
                args = node.args[:i] + node.args[i + 1 :]
                self.expr_edit("argument_dropped", node, _with_op(node, args=args))
        for i, kw in enumerate(node.keywords):
            if kw.arg is None:
                continue
            keywords = node.keywords[:i] + node.keywords[i + 1 :]
            self.expr_edit("argument_dropped", node, _with_op(node, keywords=keywords))

    def _range(self, node: ast.Call) -> None:
        if not node.args or node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            return
        bounds = [len(node.args) - 1 if len(node.args) <= 2 else 1]
        if len(node.args) >= 2:
            bounds.insert(0, 0)
        for index in bounds:
            for delta in (+1, -1):
                args = list(node.args)
                args[index] = _plus(args[index], delta)
                self.expr_edit("range_off_by_one", node, _with_op(node, args=args))

    def _slice(self, node: ast.Slice) -> None:
        for field in ("lower", "upper"):
            bound = getattr(node, field)
            if bound is None:
                continue
            for delta in (+1, -1):
                self.expr_edit("slice_off_by_one", bound, _plus(bound, delta))

    # ----------------------------------------------------------------- statements

    def visit_body(self, body: list[ast.stmt]) -> None:
        real = [(i, s) for i, s in enumerate(body) if not _is_docstring(s, i)]
        for _, stmt in real:
            self.visit_stmt(stmt, removable=len(real) > 1 or not isinstance(stmt, ast.Pass))
        for (_, first), (_, second) in zip(real, real[1:], strict=False):
            self._swap(first, second)

    def visit_stmt(self, stmt: ast.stmt, removable: bool) -> None:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return  # nested definitions are separate definitions
        if removable and not isinstance(stmt, ast.Pass):
            self._remove(stmt)
        if isinstance(stmt, ast.AugAssign):
            for new_op in ARITH_SWAPS.get(type(stmt.op), ()):
                self.expr_edit("arithmetic", stmt, _with_op(stmt, op=new_op()))
        if isinstance(stmt, (ast.Break, ast.Continue)):
            start, end = self.src.span(stmt)
            other = "continue" if isinstance(stmt, ast.Break) else "break"
            self.text_edit("break_continue", start, end, other, stmt)
        for name, value in ast.iter_fields(stmt):
            if name in ("body", "orelse", "finalbody") and isinstance(value, list):
                self.visit_body(value)
            elif name == "handlers":
                for handler in value:
                    if handler.type is not None:
                        self.visit_expr(handler.type)
                    self.visit_body(handler.body)
            elif isinstance(value, ast.AST):
                self.visit_expr(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST) and not isinstance(item, ast.stmt):
                        self.visit_expr(item)

    def _remove(self, stmt: ast.stmt) -> None:
        start, end = self.src.line_span(stmt, stmt)
        first_line = self.src.lines[stmt.lineno - 1]
        if self.src.text[start:end].strip() != self.src.segment(stmt).strip():
            return  # shares its line with other code (`a = 1; b = 2`): skip
        indent = first_line[: len(first_line) - len(first_line.lstrip())]
        newline = "\n" if self.src.text[start:end].endswith("\n") else ""
        self.text_edit("statement_removed", start, end, f"{indent}pass{newline}", stmt)

    def _swap(self, first: ast.stmt, second: ast.stmt) -> None:
        a_start, a_end = self.src.line_span(first, first)
        b_start, b_end = self.src.line_span(second, second)
        a, b = self.src.text[a_start:a_end], self.src.text[b_start:b_end]
        if a.strip() != self.src.segment(first).strip() or a_end > b_start:
            return  # shares a line with other code
        if b.strip() != self.src.segment(second).strip():
            return
        between = self.src.text[a_end:b_start]
        if b.endswith("\n"):
            replacement = b + between + a
        else:  # the cell ends without a newline
            replacement = b + "\n" + between + a.rstrip("\n")
        self.text_edit("statements_swapped", a_start, b_end, replacement, first)


def _mutant_id(definition: str, operator: str, original: str, mutated: str, nth: int) -> str:
    digest = hashlib.sha1(
        f"{definition}\0{operator}\0{' '.join(original.split())}\0{' '.join(mutated.split())}\0{nth}".encode()
    ).hexdigest()[:8]
    return f"{definition}:{operator}:{digest}"


def generate(source: str, definition: str) -> list[Mutant]:
    """All mutants of `definition` (``func`` or ``Class.method``) in a cell's `source`.

    Mutants whose source does not compile, or equals the original once parsed, are dropped.
    Returns an empty list when the definition is not in the cell.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    node = find_definition(tree, definition)
    if node is None or isinstance(node, ast.ClassDef):
        return []
    src = _Source(source)
    collector = _Collector(src)
    for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
        collector.visit_expr(default)
    collector.visit_body(node.body)
    original_dump = ast.dump(tree)
    mutants: list[Mutant] = []
    seen: dict[tuple[str, str, str], int] = {}
    for _node, edit in sorted(collector.edits, key=lambda e: (e[1].start, e[1].end, e[1].operator)):
        start, end = edit.start[0], edit.end[0]
        new_source = source[:start] + edit.replacement + source[end:]
        try:
            new_tree = ast.parse(new_source)
        except SyntaxError:
            continue
        if ast.dump(new_tree) == original_dump:
            continue
        original = source[start:end]
        key = (edit.operator, original, edit.replacement)
        nth = seen.get(key, 0)
        seen[key] = nth + 1
        mutants.append(
            Mutant(
                id=_mutant_id(definition, edit.operator, original, edit.replacement, nth),
                definition=definition,
                operator=edit.operator,
                line=source.count("\n", 0, start) + 1,
                original=original,
                mutated=edit.replacement,
                source=new_source,
            )
        )
    return mutants


def iter_definitions(source: str) -> Iterator[str]:
    """Qualified names of the functions and methods a cell defines at top level."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield f"{node.name}.{item.name}"

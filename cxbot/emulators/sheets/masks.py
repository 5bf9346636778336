"""Google's partial-response field masks (`fields=sheets.data(rowData.values(...))`):
parsed into a tree and applied to an answer, so only what was asked for comes back."""

from __future__ import annotations

from typing import Any

Tree = dict[str, "Tree | None"]


class MaskProblem(ValueError):
    pass


def parse_mask(text: str) -> Tree:
    """`a.b(c,d),e` → {a: {b: {c: None, d: None}}, e: None}; `*` keeps everything."""
    tree, rest = _items(text.replace(" ", ""), 0)
    if rest != len(text.replace(" ", "")):
        raise MaskProblem(f"Invalid field selection {text}")
    return tree


def _items(text: str, at: int) -> tuple[Tree, int]:
    tree: Tree = {}
    while at < len(text):
        start = at
        while at < len(text) and text[at] not in ",()":
            at += 1
        path = text[start:at].split(".")
        if not all(path):
            raise MaskProblem(f"Invalid field selection {text}")
        sub: Tree | None = None
        if at < len(text) and text[at] == "(":
            sub, at = _items(text, at + 1)
            if at >= len(text) or text[at] != ")":
                raise MaskProblem(f"Invalid field selection {text}")
            at += 1
        _merge(tree, path, sub)
        if at < len(text) and text[at] == ",":
            at += 1
            continue
        break
    return tree, at


def _merge(tree: Tree, path: list[str], sub: Tree | None) -> None:
    node = tree
    for name in path[:-1]:
        child = node.get(name, {})
        if child is None:  # already all of it
            return
        node[name] = child
        node = child
    last = path[-1]
    if last in node and node[last] is None:
        return
    if sub is None or last not in node:
        node[last] = sub
    else:
        existing = node[last]
        assert existing is not None
        for key, value in sub.items():
            _merge(existing, [key], value)


def apply_mask(value: Any, tree: Tree | None) -> Any:
    if tree is None or "*" in tree:
        return value
    if isinstance(value, list):
        return [apply_mask(item, tree) for item in value]
    if isinstance(value, dict):
        return {key: apply_mask(value[key], sub) for key, sub in tree.items() if key in value}
    return value

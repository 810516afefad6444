"""Stable, readable identifiers for exported resources, derived from IAM names.

The same account always exports the same identifiers (they come from names alone, taken
in name order), so a template or configuration diffs cleanly from one export to the next.
"""

from __future__ import annotations

import re


class IdMaker:
    """Hands out identifiers of one style, making a clash unique with a numeric suffix."""

    def __init__(self, style: str) -> None:
        self.style = style  # "cloudformation" (alphanumeric, CamelCase) or "terraform"
        self.taken: set[tuple[str, str]] = set()  # (namespace, folded identifier)
        self.given: dict[tuple[str, str], str] = {}

    def __call__(self, kind: str, name: str) -> str:
        key = (kind, name)
        if key not in self.given:
            # A template's logical IDs share one namespace; Terraform's names are per type.
            space = "" if self.style == "cloudformation" else kind
            base = self._base(kind, name)
            candidate, n = base, 2
            while (space, candidate.casefold()) in self.taken:
                candidate, n = f"{base}{n}" if self.style == "cloudformation" else f"{base}_{n}", n + 1
            self.taken.add((space, candidate.casefold()))
            self.given[key] = candidate
        return self.given[key]

    def _base(self, kind: str, name: str) -> str:
        if self.style == "cloudformation":
            # Logical IDs are alphanumeric (at most 255): "User" + the name's words, capitalised
            words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]
            return (kind + "".join(w[0].upper() + w[1:] for w in words))[:255]
        # Terraform names: letters, digits, _ and -, starting with a letter or _
        ident = re.sub(r"[^A-Za-z0-9_-]", "_", name)
        return ident if re.match(r"[A-Za-z_]", ident) else f"_{ident}"

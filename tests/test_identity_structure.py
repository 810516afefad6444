"""core/identity holds "who is calling" and "which policies apply" with no import cycle:
its modules import each other in one direction only, and never core/sts.py or the
core/principals.py re-exports (issue 12, section 4)."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT

ORDER = ["context", "policies", "callers", "subjects"]  # each may import only those before it


def _imports(module: str) -> set[str]:
    tree = ast.parse((ROOT / "iamctl" / "core" / "identity" / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):  # lazy imports inside functions count too
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_identity_modules_import_in_one_direction() -> None:
    for position, module in enumerate(ORDER):
        imported = _imports(module)
        # `from iamctl.core import sts` is recorded as iamctl.core.sts too.
        assert not {"iamctl.core.sts", "iamctl.core.principals"} & imported, module
        later = {f"iamctl.core.identity.{m}" for m in ORDER[position + 1:]}
        assert not later & imported, (module, later & imported)


def test_importing_identity_loads_neither_sts_nor_principals() -> None:
    code = ("import sys, iamctl.core.identity.subjects; "
            "print(sorted(m for m in sys.modules if m in ('iamctl.core.sts', 'iamctl.core.principals')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_old_names_still_import() -> None:
    from iamctl.core import principals, sts
    from iamctl.core.identity import callers, policies, subjects

    assert sts.resolve_caller is callers.resolve_caller and sts.authorize is callers.authorize
    assert sts.Caller is callers.Caller
    assert principals.policy_set_for_user is policies.policy_set_for_user
    assert principals.resolve_principal is subjects.resolve_principal
    for name in ("policy_set_for_role", "request_context_for", "merge_context", "parsed", "Subject"):
        assert hasattr(principals, name), name

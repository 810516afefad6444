"""A file of the wrong shape anywhere is one IAM or usage error, never a crash."""

from __future__ import annotations

import json
from typing import Any

from iamctl.core.errors import IamError
from iamctl.core.model import StoreData
from iamctl.core.transfer import importing
from tests.transfer.test_import_cli import good

WRONG = (None, 42, "text", [], {}, True)


def _paths(value: Any, here: tuple = ()) -> list[tuple]:
    found = [here] if here else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*here, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*here, i))
    return found


def _replaced(doc: Any, path: tuple, new: Any) -> Any:
    doc = json.loads(json.dumps(doc))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return doc


def test_every_value_of_a_wrong_type_is_an_error_not_a_crash():
    base = good()
    tried = 0
    for path in _paths(base):
        for new in WRONG:
            text = json.dumps(_replaced(base, path, new))
            try:
                importing.import_files(StoreData(), [("f.json", text)])
            except IamError as exc:
                assert "\n" not in exc.message, (path, new)
                # the file and entity are named once, in plain words
                assert exc.message.count("f.json") == 1, exc.message
                assert " a int" not in exc.message and " a dict" not in exc.message, exc.message
            tried += 1
    assert tried > 500

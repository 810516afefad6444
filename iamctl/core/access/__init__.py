"""Questions about access, answered by the same evaluator as ``simulate``.

- ``subjects``: every principal of the store (users, a session of each role, account
  roots) as an ``sts.Caller``, built through core/sts.py and core/principals.py;
- ``decide``: one decision, with the trust policy standing in as a role's resource
  policy, and what a context-dependent allow depends on;
- ``who_can``: every principal that may do an action on a resource;
- ``effective``: everything one principal may do, expanded from the action catalogue;
- ``paths``: privilege-escalation edges and shortest paths to admin;
- ``diff``: effective access gained and lost between two versions of a store;
- ``graph``: the account (and the organization) as a Mermaid or DOT picture.
"""

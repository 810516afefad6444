"""Who is calling and which policies apply to it — one home each, no import cycle:

- ``context``   the request context AWS fills in for a caller (global condition keys);
- ``policies``  which policies apply: a user's, group's or role's PolicySet, its organization;
- ``callers``   who is calling (``resolve_caller`` → ``Caller``) and the access check
                ``authorize``; imports ``policies`` and ``context``;
- ``subjects``  `simulate`'s view: a reference → ``Subject``; imports ``callers``.

STS flows (AssumeRole and friends) live in ``core/sts.py``, which imports this package and
never the other way round. ``core/principals.py`` re-exports the old names.
"""

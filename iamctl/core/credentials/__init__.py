"""Credentials: access keys, console passwords, MFA, password policy, account alias,
credential report, account summary and the dashboard's security checklist.

Pure functions: no store, no clock reads (callers pass ``now``), no I/O.
"""

"""Consolidated billing: AWS Organizations' model, prices, usage and the invoice.

Pure core: no store I/O and no clock reads. Modules:
  ids       IDs and ARNs in Organizations' formats
  orgs      organizations, invitations (handshakes), membership
  tree      organizational units and account placement
  scp       service control policies and the levels the evaluator checks
  shapes    AWS's JSON shapes (Organization, Handshake, Account, Root, OU, Policy)
  prices    the price list (TOML) and tiered cost
  usage     usage records and CSV import
  invoice   the consolidated invoice, its JSON and CSV forms
  access    the billing console actions gated by "IAM access to billing information"
"""

"""Accounts in and out of the store: import of GetAccountAuthorizationDetails files
(details_file.py reads them, importing.py builds the account through the service layer)
and export as CloudFormation, Terraform or authorization details."""

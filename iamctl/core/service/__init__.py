"""Operations that mirror IAM's API; they enforce AWS's rules and quotas."""

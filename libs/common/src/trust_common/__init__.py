"""What the business-account trust services share, written once."""

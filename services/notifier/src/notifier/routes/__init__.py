"""The HTTP API, one router per audience: recipients (`inbox`), tenants and operators (`webhooks`)."""

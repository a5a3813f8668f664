"""What the handlers reach beyond the database: the personal-data vault, password hashing and the external
providers (face check, payments, the real-name directory), each provider a Protocol with the deterministic fake
shipped for development and tests."""

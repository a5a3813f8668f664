"""Alembic migrations of the employee-accounts database (branch `employee_accounts`)."""

"""`employee-accounts-migrate`: apply this service's migrations and the common branch."""
from __future__ import annotations

from pathlib import Path

from trust_common import migrations

from employee_accounts.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def main() -> None:
    migrations.upgrade(MIGRATIONS, Settings().database_url.get_secret_value())


if __name__ == "__main__":
    main()

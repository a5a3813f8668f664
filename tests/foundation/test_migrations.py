"""The common migration branch builds exactly the tables trust_common.schema declares."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from trust_common.schema import infra_metadata


async def test_the_infrastructure_tables_match_their_declaration(certification):
    async with certification.runtime.engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), infra_metadata))
    infra_tables = set(infra_metadata.tables)

    def table_of(entry) -> str | None:
        target = entry[1] if entry[0].endswith(("_table", "_index")) else None
        return getattr(target, "name", None) if entry[0].endswith("_table") else getattr(
            getattr(target, "table", None), "name", None)

    # Entries about the service's own tables (absent from infra_metadata) are not this branch's.
    ours = [d for d in diff if isinstance(d, tuple) and table_of(d) in infra_tables]
    ours += [d for d in diff if isinstance(d, list)]  # column-level changes
    assert ours == []

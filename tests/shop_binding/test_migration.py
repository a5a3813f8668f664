"""The hand-written migration creates exactly what orm.py maps, unique indexes included (SHOP-2)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shop_binding.orm import metadata


async def test_the_migration_matches_the_mapped_tables(shop_binding):
    """SHOP-2 and LINK-1 rest on the partial unique indexes; they must exist as mapped."""
    async with shop_binding.runtime.engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), metadata))
    ours = set(metadata.tables)
    relevant = [d for d in diff if not (d[0] == "remove_table" and d[1].name not in ours)
                and not (d[0] == "remove_index" and d[1].table.name not in ours)]
    assert relevant == []

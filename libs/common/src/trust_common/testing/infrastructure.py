"""Reaching (and if needed starting) the real local PostgreSQL and Kafka for tests."""
from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import asyncpg

PG_ADMIN_URL = os.environ.get("TRUST_TEST_PG_URL", "postgresql://trust:trust@127.0.0.1:54329/postgres")
KAFKA_BOOTSTRAP = os.environ.get("TRUST_TEST_KAFKA_BOOTSTRAP", "127.0.0.1:19092")


def repo_root() -> Path:
    for parent in [Path.cwd(), *Path.cwd().parents, *Path(__file__).resolve().parents]:
        if (parent / "deploy" / "local" / "postgres.sh").exists():
            return parent
    raise RuntimeError("cannot find the repository root (deploy/local/postgres.sh)")


def _port_open(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def ensure_infrastructure() -> None:
    """Start PostgreSQL and Kafka with the project's scripts unless they already answer."""
    root = repo_root()
    if not _port_open("127.0.0.1:54329"):
        subprocess.run([str(root / "deploy/local/postgres.sh"), "start"], check=True)
    if not _port_open(KAFKA_BOOTSTRAP):
        subprocess.run([str(root / "deploy/local/kafka.sh"), "start"], check=True)


async def create_database(name: str) -> str:
    """Create an empty database; returns its SQLAlchemy asyncpg URL."""
    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1) + f"/{name}"


async def drop_database(name: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()

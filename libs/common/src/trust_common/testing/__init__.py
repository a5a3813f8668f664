"""Test helpers shared by every service's tests: the real PostgreSQL and Kafka, a database
and topic namespace per test session, services run in-process with an injectable clock."""

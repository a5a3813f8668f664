"""Process entry points: API, worker, migrations."""

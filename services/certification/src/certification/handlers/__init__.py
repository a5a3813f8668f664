"""Use cases: one function per command, timer or consumed event; load, call one method, commit."""

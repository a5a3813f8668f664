"""Use cases: one function per command; each loads, calls one domain method and commits."""

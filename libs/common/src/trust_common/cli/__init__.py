"""Command-line tools for developers and operators."""

"""Enterprise (blue V), personal and real-name certification with the audit review."""

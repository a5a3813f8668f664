"""Commands, consumed events and timers, one module per area; each loads, calls the aggregate, commits."""

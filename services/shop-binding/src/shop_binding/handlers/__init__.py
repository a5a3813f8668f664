"""Use cases per area (commands, consumed events and timers): load through the unit of work, call one
aggregate method, commit."""

"""HTTP routes: they only translate between HTTP and commands or queries."""

"""External providers behind adapters: per provider a Protocol, the real implementation and what
stands in for the provider locally."""

"""The notifier's rules: what is sent to whom, on which channel, once (NOTE-1 … NOTE-4)."""

"""The certification rules (CERT-1 … CERT-12): pure Python, no I/O."""

"""HTTP routes: translate requests to commands and results to responses."""

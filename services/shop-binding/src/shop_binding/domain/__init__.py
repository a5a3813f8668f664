"""The rules of shop bindings and business-centre links: pure Python, no I/O."""

"""The rules of employee accounts (EMP-1 … EMP-18), pure Python without I/O."""

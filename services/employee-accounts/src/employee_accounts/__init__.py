"""Employee accounts of certified enterprises: quota, activation, departure, positions, departments,
authorised personal accounts (EMP-1 … EMP-18)."""

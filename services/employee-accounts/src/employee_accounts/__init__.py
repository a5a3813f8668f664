"""Employee accounts of certified enterprises: quota, activation, departure, positions, departments, authorised personal accounts."""

"""48-hour confirmation prompts, reminders and notices over the in-app inbox, email and signed webhooks."""

"""The self-service page's background jobs (imported by contacts.tasks, so the worker
finds them)."""

"""What runs beside the requests: workflow functions after a commit (the runner, its pool of worker processes and
the worker itself) and the webhook deliverer's background thread."""

"""The service layer: the one place that classifies documents and rows, keeps the served models, and does
the review work (queues, decisions, exports). The CLI and the HTTP routes are thin layers over it."""

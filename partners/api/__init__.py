"""Partner self-service: webhook endpoints registered with a partner token."""

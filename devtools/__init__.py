"""Development tools that are not part of the portal (never installed in production)."""

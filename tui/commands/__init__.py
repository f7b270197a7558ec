"""logwatch."""

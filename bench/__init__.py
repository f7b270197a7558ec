"""logwatch's speed and memory figures: `make bench` (python -m bench)."""

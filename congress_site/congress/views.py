"""Congress pages (filled in below)."""

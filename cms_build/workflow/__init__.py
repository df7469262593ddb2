"""Day-to-day workflow: start a records repository, gate pull requests, compare revisions."""

"""What people use: the command line and the audit views (text, JSON, HTML)."""

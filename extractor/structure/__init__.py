"""How a report is built: its reports in a file, its sections, tables and breakdowns."""

"""Records out: JSON Lines, the store, export and bulk import."""

"""Developer and trainer tools that need the GUI (screenshots)."""

"""Route modules: each route parses input, calls one journal function and renders."""

"""Channel clients: plain Python, no Django. One module per channel behind the same small interface (base.py)."""

"""Strategy pages: reading (``pages``) and executives' editing (``editing``)."""

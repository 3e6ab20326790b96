"""Personal-data commands (``liudan privacy ...``); the rules live in ``webapp.services.privacy``."""

"""User accounts from the command line: ``liudan users create|list|disable|enable|reset-password``."""

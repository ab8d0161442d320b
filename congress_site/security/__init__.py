"""Users, groups, roles, tokens and the Pyramid security policy."""

"""Postorius and HyperKitty with the konbit's directory (role mailman).

A person logging in with their directory account gets their directory address as
a verified address, so Postorius recognises the lists they own or are on without
a confirmation mail: the directory already vouches for it.
"""

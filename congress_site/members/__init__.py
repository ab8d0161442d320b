"""The konbit description: the members file's one rule set and what services derive from it.

Pure Python (no Pyramid): used by the site's ``import-members`` and, through the Ansible
filter plugin ``plugins/filter/konbit.py``, by every role.

* ``rules``  formats of logins, slugs, host labels, addresses, sizes; reserved names.
* ``file``   parse_members_yaml / parse_members_data -> MembersFile, MembersFileError.
* ``model``  service_model(MembersFile): persons, organisations, groups, lists, wikis.
"""

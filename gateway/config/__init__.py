"""config.yaml: its models, the text it is read from, the file the admin API edits, its
versions in the store and how one config reaches every instance (API.md sections 10-12).
"""

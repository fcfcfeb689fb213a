"""The session formats that ship with coptui, one TOML file each, named after the format."""

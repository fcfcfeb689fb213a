"""coptui: run community-of-practice meetings in the terminal and keep what they learn."""

__version__ = "0.1.0"

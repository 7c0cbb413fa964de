"""The workbench service."""

"""Theme install and uninstall hooks, called by setuphandlers."""


def install(portal):
    """Run after the default profile is applied."""


def uninstall(portal):
    """Run after the uninstall profile is applied."""

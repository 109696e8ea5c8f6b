"""The connectors that ship with the portal (see ``..interfaces``)."""

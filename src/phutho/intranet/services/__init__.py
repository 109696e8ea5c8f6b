"""REST API endpoints (plone.restapi), one sub-package per endpoint."""

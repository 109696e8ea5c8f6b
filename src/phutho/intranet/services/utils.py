"""What the services share."""

from plone.restapi.deserializer import json_body
from plone.restapi.exceptions import DeserializationError


def json_object(request):
    """The request's JSON body if it is an object, else None (bad JSON, a
    list, a number): the service then answers 400 instead of failing."""
    try:
        return json_body(request)
    except DeserializationError:
        return None

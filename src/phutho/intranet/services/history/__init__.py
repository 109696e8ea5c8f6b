"""``GET @processing-history``: the processing history of a document."""

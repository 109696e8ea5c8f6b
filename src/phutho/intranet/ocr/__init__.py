"""OCR of scanned documents (Vietnamese, tesseract through OCRmyPDF).

:mod:`.engine` knows nothing about Zope: it decides whether a file needs
OCR and runs OCRmyPDF in a child process within limits. The background
jobs that call it live in :mod:`phutho.intranet.jobs`.
"""

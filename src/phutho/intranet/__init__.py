"""Intranet portal of Phú Thọ province (Cổng thông tin nội bộ tỉnh Phú Thọ)."""

from zope.i18nmessageid import MessageFactory

PACKAGE_NAME = "phutho.intranet"

_ = MessageFactory("phutho.intranet")

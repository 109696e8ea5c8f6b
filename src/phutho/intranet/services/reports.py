"""What the report services share: an answer that is JSON or a file
(XLSX, CSV, PDF, XML), with plone.restapi's error handling either way."""

from phutho.intranet.browser.reportpage import table_file
from plone.restapi.services import Service

import json


class ReportService(Service):
    """A GET service answering JSON, or a file when ``format`` asks for
    one. Subclasses implement ``tables()`` (for files) and ``reply()``."""

    file_formats = ("xlsx", "csv")

    def basename(self):
        return self.context.getId()

    def render(self):
        format_ = self.request.form.get("format")
        if format_ and format_ != "json":
            return self.file(format_)
        content = self.reply()
        self.request.response.setHeader("Content-Type", "application/json")
        return json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False)

    def file(self, format_):
        return table_file(
            self.request,
            self.tables(),
            self.basename(),
            format_,
            self.request.form.get("delimiter") or "comma",
        )

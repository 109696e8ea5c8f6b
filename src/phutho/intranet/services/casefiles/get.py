"""Case files through the API:

* ``GET /<agency>/@casefile-index?year=`` — the case-file index (mục lục
  hồ sơ) of a year, JSON or ``format=xlsx|csv``;
* ``GET /<case file>/@casefile-export?format=pdf|xml`` — the case file as
  one PDF or as XML (Appendix VI metadata, reports/casefile.xsd).
"""

from phutho.intranet.browser.casefiles import export_casefile
from phutho.intranet.browser.casefiles import requested_year
from phutho.intranet.reports import casefiles
from phutho.intranet.services.reports import ReportService
from plone.restapi.services import Service


class CaseFileIndexGet(ReportService):
    def tables(self):
        self.year = requested_year(self.request)
        return [casefiles.index_table(self.context, self.year)]

    def basename(self):
        return f"muc-luc-ho-so-{self.context.getId()}-{self.year}"

    def reply(self):
        table = self.tables()[0]
        result = table.as_json()
        result["@id"] = f"{self.context.absolute_url()}/@casefile-index"
        result["items"] = [
            {"url": links.get(2), "file_code": row[1], "title": row[2]}
            for row, links in zip(table.rows, table.links)
        ]
        return result


class CaseFileExportGet(Service):
    def render(self):
        return export_casefile(
            self.request, self.context, self.request.form.get("format") or "xml"
        )

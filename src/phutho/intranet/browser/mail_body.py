"""The text of the mail an incoming document arrived with.

Shown under the document's content as it was kept at arrival: HTML that
mail-in sanitised (:func:`phutho.intranet.mailin.html_body.sanitize_html`:
no scripts, handlers, styles, frames, forms or remote images), else the
plain text. Sanitised again here, so nothing stored before a change of the
rules reaches a page unsanitised.
"""

from phutho.intranet.mailin.html_body import sanitize_html
from plone.app.layout.viewlets.common import ViewletBase
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile


class MailBodyViewlet(ViewletBase):
    index = ViewPageTemplateFile("templates/mail_body.pt")

    def update(self):
        super().update()
        html = getattr(self.context, "mail_body_html", "") or ""
        self.html = sanitize_html(html) if html else ""
        self.sender = getattr(self.context, "mail_from", "") or ""

    def available(self):
        return getattr(self.context, "channel", None) == "email" and bool(
            self.html or self.sender
        )

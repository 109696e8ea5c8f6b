"""``@@reading-controlpanel``: webmasters (Site Administrators, "Plone Site
Setup: Site") set the OCR limits, the folder of trusted root certificates
and the agencies' signing keys (paths and password sources only: no secret
is stored in the portal). Listed in Site Setup (controlpanel.xml)."""

from phutho.intranet import _
from phutho.intranet.ocr.settings import IReadingSettings
from phutho.intranet.ocr.settings import PREFIX
from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm


class ReadingSettingsForm(RegistryEditForm):
    schema = IReadingSettings
    schema_prefix = PREFIX
    label = _("heading_reading_settings", default="Reading documents")
    description = _(
        "help_reading_settings",
        default="OCR of scans, checks of PDF signatures and the agencies' "
        "certificates for signing issued documents.",
    )


class ReadingControlPanel(ControlPanelFormWrapper):
    form = ReadingSettingsForm

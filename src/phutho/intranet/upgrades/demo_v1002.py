"""Demo profile 1001 → 1002: the demo's forms (issue 13).

Sites built with an earlier demo get the "Biểu mẫu" folder with the
clerks' intake of paper documents and the officials' feedback form, as a
new demo has them. Forms already there (a webmaster may have changed
them) are left alone.
"""

from phutho.intranet.forms.setup import install_forms

import logging

logger = logging.getLogger("phutho.intranet.upgrades")


def demo_forms(context):
    """Make the demo's forms that are missing."""
    made = install_forms()
    logger.info("Demo forms: %s", ", ".join(made) or "all there already")

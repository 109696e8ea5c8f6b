"""The forms shipped with the demo: a "Biểu mẫu" folder with the clerks'
intake of paper documents and the officials' feedback form, both open to
signed-in people only (the intake's action refuses anyone but a clerk)."""

from pathlib import Path
from phutho.intranet.work import setup as work_setup
from plone import api

import logging

logger = logging.getLogger("phutho.intranet.forms")

MODELS = Path(__file__).parent / "models"
FOLDER_ID = "bieu-mau"
FOLDER_TITLE = "Biểu mẫu"
# id -> (title, description, models, thanks title, thanks description)
FORMS = {
    "tiep-nhan-van-ban-giay": (
        "Tiếp nhận văn bản giấy",
        "Văn thư tải bản quét và nhập thông tin văn bản đến nhận bằng giấy; "
        "văn bản vào danh sách chờ vào sổ của cơ quan.",
        "intake",
        "Đã tiếp nhận",
        "",
    ),
    "gop-y-de-nghi": (
        "Góp ý, đề nghị hỗ trợ",
        "Gửi góp ý hoặc đề nghị hỗ trợ tới quản trị cổng thông tin.",
        "feedback",
        "Cảm ơn bạn",
        "Ý kiến của bạn đã được ghi nhận và gửi tới quản trị cổng thông tin.",
    ),
}
SIGNED_IN = "AuthenticatedUsers"


def model(name):
    return (MODELS / f"{name}.xml").read_text(encoding="utf-8")


def install_forms(portal=None):
    """Make the folder and the forms that are missing; returns the ids
    made."""
    portal = portal or api.portal.get()
    made = []
    with api.env.adopt_roles(["Manager"]):
        folder = portal.get(FOLDER_ID)
        if folder is None:
            folder = api.content.create(
                container=portal, type="Folder", id=FOLDER_ID, title=FOLDER_TITLE
            )
            if api.content.get_state(folder, default=None) == "private":
                api.content.transition(folder, transition="publish")
            made.append(FOLDER_ID)
        for form_id, (title, description, kind, thanks, thanks_text) in FORMS.items():
            if form_id in folder:
                continue
            form = api.content.create(
                container=folder,
                type="EasyForm",
                id=form_id,
                title=title,
                description=description,
                fields_model=model(f"{kind}_fields"),
                actions_model=model(f"{kind}_actions"),
                submitLabel="Gửi",
                thankstitle=thanks,
                thanksdescription=thanks_text,
                CSRFProtection=True,
            )
            # Signed-in people read (and so submit) it; the form stays
            # private to anonymous visitors: a Reader role in a workflow's
            # private state, the permissions themselves without workflow.
            form.manage_setLocalRoles(SIGNED_IN, ["Reader"])
            if not api.portal.get_tool("portal_workflow").getChainFor(form):
                for permission in ("View", "Access contents information"):
                    form.manage_permission(
                        permission,
                        ["Authenticated", "Manager", "Site Administrator"],
                        acquire=False,
                    )
            form.reindexObjectSecurity()
            made.append(form_id)
    # Its add menu offers forms and pages only (work/setup.py).
    work_setup.constrain_folders(portal)
    if made:
        logger.info("Forms made: %s", ", ".join(made))
    return made

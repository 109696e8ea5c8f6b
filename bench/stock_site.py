"""Stock Plone 6.2.2's side of bench/perf_suite.py: a classic site with
content shaped like the portal's. Run by the stock venv's zconsole:

    zconsole run VAR/stock/etc/zope.conf bench/stock_site.py COUNT PASSWORD

Creates (once) the site ``Plone`` from the classic distribution with
plone.restapi's profile, a member ``thanhvien`` (password PASSWORD), a
``news`` folder of 30 News Items, and COUNT Documents of about the
portal's documents' size in ``documents/<yyyy-mm>/`` folders of ~100 each
(the portal files its documents by month). Prints the paths the suite
measures as JSON on the last line.
"""

from datetime import date
from datetime import timedelta

import json
import random
import sys
import transaction

WORDS = (
    "quyết định kế hoạch báo cáo tình hình triển khai đường giao thông nông thôn "
    "chuyển đổi số công chức viên chức ngân sách đầu tư xây dựng trường học bệnh viện "
    "phòng chống thiên tai an toàn thông tin thủ tục hành chính cải cách dịch vụ công "
    "trực tuyến tuyển dụng đào tạo bồi dưỡng thi đua khen thưởng môi trường đất đai"
).split()
PER_FOLDER = 100


def text(rng, words):
    return " ".join(rng.choice(WORDS) for _i in range(words))


def main(app, count, password):
    from AccessControl.SecurityManagement import newSecurityManager
    from plone import api
    from plone.app.textfield.value import RichTextValue
    from Testing.makerequest import makerequest
    from zope.component.hooks import setSite

    app = makerequest(app)
    admin = app.acl_users.getUserById("admin")
    newSecurityManager(None, admin.__of__(app.acl_users))
    site = app.get("Plone")
    if site is None:
        from plone.distribution.api import site as site_api

        site = site_api.create(
            app,
            "classic",
            {
                "site_id": "Plone",
                "title": "Plone",
                "setup_content": True,
                "default_language": "vi",
                "portal_timezone": "Asia/Ho_Chi_Minh",
            },
        )
        transaction.commit()
    setSite(site)
    setup = api.portal.get_tool("portal_setup")
    if setup.getLastVersionForProfile("plone.restapi:default") == "unknown":
        setup.runAllImportStepsFromProfile("profile-plone.restapi:default")
    if api.user.get(username="thanhvien") is None:
        api.user.create(
            email="thanhvien@example.org", username="thanhvien", password=password
        )
    rng = random.Random(30)
    if "news" not in site:
        api.content.create(container=site, type="Folder", id="news", title="Tin tức")
    news = site["news"]
    for index in range(len(news), 30):
        item = api.content.create(
            container=news,
            type="News Item",
            title=text(rng, 8).capitalize(),
            description=text(rng, 20),
        )
        api.content.transition(item, "publish")
    if "documents" not in site:
        api.content.create(
            container=site, type="Folder", id="documents", title="Văn bản"
        )
    documents = site["documents"]
    existing = sum(len(folder) for folder in documents.objectValues())
    first_day = date.today().replace(day=1)
    for index in range(existing, count):
        month = first_day - timedelta(days=31 * (index // PER_FOLDER))
        folder_id = f"{month:%Y-%m}"
        if folder_id not in documents:
            api.content.create(
                container=documents, type="Folder", id=folder_id, title=folder_id
            )
        api.content.create(
            container=documents[folder_id],
            type="Document",
            title=text(rng, 8).capitalize(),
            description=text(rng, 15),
            text=RichTextValue(
                "<p>" + text(rng, 400) + "</p>", "text/html", "text/x-html-safe"
            ),
        )
        if (index + 1) % 200 == 0:
            transaction.commit()
    transaction.commit()
    # Members see what the portal's clerks see: their own agency's
    # documents; here, the folders shared with them as Reader.
    for folder in (site["news"], documents):
        folder.manage_setLocalRoles("thanhvien", ["Reader"])
        folder.reindexObjectSecurity()
    transaction.commit()
    month_folder = documents.objectValues()[0]
    doc = month_folder.objectValues()[0]
    print(
        json.dumps(
            {
                "document": "/".join(doc.getPhysicalPath()),
                "month": "/".join(month_folder.getPhysicalPath()),
                "news": "/".join(site["news"].getPhysicalPath()),
                "documents": count,
            }
        )
    )
    app._p_jar.db().close()


script = next(i for i, a in enumerate(sys.argv) if a.endswith("stock_site.py"))
main(app, int(sys.argv[script + 1]), sys.argv[script + 2])  # noqa: F821

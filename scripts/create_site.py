"""Create or update the portal site. Run under zconsole:

    .venv/bin/zconsole run var/instance/etc/zope.conf scripts/create_site.py

Environment: SITE_ID (Plone), DEMO (1), SMTP_HOST, SMTP_PORT, MAIL_FROM,
MAIL_FROM_NAME, PUBLIC_URL (the site's address in mails); MAILIN_CONFIG (the mail-in ingester's config file, written
with a new service account password when missing), MAILIN_HOST,
MAILIN_PORT. Prints the URL and, with the demo, the demo accounts.
"""

from phutho.intranet.demo import load_data
from phutho.intranet.sitesetup import ensure_site

import os


def main(app):
    site_id = os.environ.get("SITE_ID", "Plone")
    demo = os.environ.get("DEMO", "1") not in ("0", "false", "no", "")
    mail = {
        "host": os.environ.get("SMTP_HOST"),
        "port": os.environ.get("SMTP_PORT"),
        "from_address": os.environ.get("MAIL_FROM"),
        "from_name": os.environ.get("MAIL_FROM_NAME"),
    }
    port = os.environ.get("PORT", "8080")
    listen = os.environ.get("HOST", "127.0.0.1")
    if listen in ("0.0.0.0", ""):
        listen = "127.0.0.1"
    # Links in mails: the address people open (mail-in requests come from
    # the ingester's loopback address).
    mail["public_url"] = os.environ.get("PUBLIC_URL") or (
        f"http://localhost:{port}/{site_id}" if listen == "127.0.0.1" else None
    )
    mailin = None
    if os.environ.get("MAILIN_CONFIG"):
        mailin = {
            "path": os.environ["MAILIN_CONFIG"],
            "url": f"http://{listen}:{port}/{site_id}",
            "host": os.environ.get("MAILIN_HOST", "127.0.0.1"),
            "port": os.environ.get("MAILIN_PORT", "8025"),
        }
    site, created = ensure_site(
        app, site_id=site_id, demo=demo, mail=mail, mailin=mailin
    )
    host = os.environ.get("HOST", "localhost")
    if host in ("127.0.0.1", "0.0.0.0"):
        host = "localhost"
    print()
    print(
        ("Created" if created else "Kept existing")
        + f" site: http://{host}:{port}/{site_id}"
    )
    if demo:
        data = load_data()
        print(f"Demo accounts (demo only!), password {data['password']}:")
        for webmaster in data["webmasters"]:
            print(f"  {webmaster['id']:<28} webmaster (Quản trị)")
        for agency in data["agencies"]:
            people = ", ".join(p["id"] for p in agency["people"])
            print(f"  {agency['title']}: {people}")
    print()


main(app)  # noqa: F821 -- zconsole binds ``app``
# Close the database so FileStorage saves its index; otherwise the next start
# rebuilds it by reading the whole Data.fs (minutes for a large one).
app._p_jar.db().close()  # noqa: F821

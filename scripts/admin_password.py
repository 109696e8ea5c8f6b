"""Set the Zope administrator's password. Run under zconsole, the instance
stopped (a FileStorage is opened by one process only):

    ADMIN_PASSWORD=… .venv/bin/zconsole run var/instance/etc/zope.conf scripts/admin_password.py

ADMIN_USER (default ``admin``) names the user; it is created as a Manager
if it does not exist. ``addzopeuser`` only adds users: it leaves the
password of an existing one as it was.
"""

import os
import sys
import transaction

name = os.environ.get("ADMIN_USER", "admin")
password = os.environ.get("ADMIN_PASSWORD", "")
if not password:
    sys.exit("Give the new password in ADMIN_PASSWORD")
users = app.acl_users  # noqa: F821 -- zconsole binds ``app``
# The root's PluggableAuthService keeps users in a ZODBUserManager plugin;
# Zope's plain user folder keeps them itself.
managers = [
    plugin
    for plugin in getattr(users, "objectValues", lambda: [])()
    if hasattr(plugin, "updateUserPassword") and hasattr(plugin, "listUserIds")
]
holder = next((m for m in managers if name in m.listUserIds()), None)
if holder is not None:
    holder.updateUserPassword(name, password)
    done = "changed"
elif users.getUser(name) is not None and hasattr(users, "_doChangeUser"):
    user = users.getUser(name)
    users._doChangeUser(name, password, user.getRoles(), user.getDomains())
    done = "changed"
else:
    users._doAddUser(name, password, ["Manager"], [])
    done = "created"
if users.authenticate(name, password, None) is None:
    transaction.abort()
    sys.exit(f"The password of {name} could not be set")
transaction.get().note(f"Password of {name} {done}")
transaction.commit()
print(f"Password of {name} {done}.")
app._p_jar.db().close()  # noqa: F821 -- keep FileStorage's index

"""Creates the suite's projects, users, role assignments and placement's catalog entry in the test Keystone.

Usage: /usr/bin/python3 setup.py KEYSTONE_V3_URL ADMIN_PASSWORD SERVICE_PASSWORD USER_PASSWORD PLACEMENT_URL
Prints "name id" lines for the projects the checks need.
"""
import sys

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

url, admin_password, service_password, user_password, placement_url = sys.argv[1:6]
auth = v3.Password(auth_url=url, username="admin", password=admin_password, project_name="admin",
                   user_domain_id="default", project_domain_id="default")
ks = client.Client(session=session.Session(auth=auth, timeout=30))

roles = {role.name: role for role in ks.roles.list()}
roles["service"] = ks.roles.create("service")
projects = {name: ks.projects.create(name, "default") for name in ("service", "demo", "other")}


def user(name, password, role, project=None, system=False):
    created = ks.users.create(name, domain="default", password=password)
    if system:
        ks.roles.grant(roles[role], user=created, system="all")
    else:
        ks.roles.grant(roles[role], user=created, project=projects[project])


user("placement", service_password, "service", project="service")
user("alice", user_password, "member", project="demo")
user("rita", user_password, "reader", project="demo")
user("sysadmin", user_password, "admin", system=True)
user("sysreader", user_password, "reader", system=True)

service = ks.services.create("placement", type="placement")
for interface in ("public", "internal"):
    ks.endpoints.create(service, placement_url, interface=interface, region="RegionOne")

for name, project in projects.items():
    print(name, project.id)

# JupyterHub configuration for one classroom server running the newslens course (one Linux machine with
# systemd; see deploy/README.md for when to use this, The Littlest JupyterHub or Zero to JupyterHub).
#
#   sudo /opt/newslens-hub/bin/jupyterhub -f /etc/jupyterhub/jupyterhub_config.py
#
# What it sets up:
# - NativeAuthenticator: students sign up with a username and password on the hub's own page; nobody can log
#   in until an admin has approved the account at /hub/authorize. No system accounts are needed.
# - SystemdSpawner with dynamic users: each student's server is a transient systemd unit running as a
#   throw-away Unix user, with a hard memory limit and a CPU quota enforced by the kernel's cgroups, and a
#   persistent home folder /var/lib/private/<name> that survives restarts.
# - jupyterhub-idle-culler: stops servers nobody has used for an hour, so that their memory comes back.
# - Students land in JupyterLab; instructors hand out nbgitpuller links (python -m newslens links ...).
#
# The figures (memory, CPU) come from `make bench-hub`; deploy/README.md explains them. Change them here.
# Environment variables override the defaults without editing this file (handy for a first trial):
#   NEWSLENS_HUB_ADMINS   comma-separated admin usernames (default: instructor)
#   NEWSLENS_MEM_LIMIT    e.g. 1G        NEWSLENS_CPU_LIMIT  e.g. 1.0
#   NEWSLENS_USER_ENV     the Python environment (venv or conda prefix) the students' servers run in
import os
import sys

c = get_config()  # noqa: F821 (JupyterHub's config loader defines get_config)

ADMINS = {name.strip() for name in os.environ.get("NEWSLENS_HUB_ADMINS", "instructor").split(",") if name.strip()}
MEM_LIMIT = os.environ.get("NEWSLENS_MEM_LIMIT", "1G")
CPU_LIMIT = float(os.environ.get("NEWSLENS_CPU_LIMIT", "1.0"))
USER_ENV = os.environ.get("NEWSLENS_USER_ENV", sys.prefix)

# --- The hub itself --------------------------------------------------------------------------------------
c.JupyterHub.bind_url = "http://:8000"  # put HTTPS in front (a reverse proxy such as nginx or caddy)
c.JupyterHub.cookie_secret_file = "/srv/jupyterhub/jupyterhub_cookie_secret"
c.JupyterHub.db_url = "sqlite:////srv/jupyterhub/jupyterhub.sqlite"
c.JupyterHub.cleanup_servers = False  # restarting the hub (e.g. to change this file) keeps students' servers
c.ConfigurableHTTPProxy.pid_file = "/srv/jupyterhub/jupyterhub-proxy.pid"

# --- Who may log in: NativeAuthenticator, sign-up with admin approval -------------------------------------
c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
c.NativeAuthenticator.open_signup = False  # a new account waits for an admin's approval at /hub/authorize
c.NativeAuthenticator.minimum_password_length = 10
c.NativeAuthenticator.check_common_password = True
c.NativeAuthenticator.allowed_failed_logins = 5  # then the account is blocked for a while
c.NativeAuthenticator.seconds_before_next_try = 300
c.Authenticator.admin_users = ADMINS
c.Authenticator.allow_all = True  # every approved account may log in (approval is the gate)

# --- Each student's server: a systemd unit with hard limits ------------------------------------------------
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
c.SystemdSpawner.dynamic_users = True  # no Unix accounts to create; home is /var/lib/private/<name>
c.SystemdSpawner.mem_limit = MEM_LIMIT  # MemoryMax= of the unit: past it the kernel stops the student's kernel
c.SystemdSpawner.cpu_limit = CPU_LIMIT  # CPUQuota= of the unit (1.0 = one core at most)
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.isolate_devices = True
c.SystemdSpawner.disable_user_sudo = True
c.SystemdSpawner.user_workingdir = "/var/lib/private/{USERNAME}"
c.SystemdSpawner.default_shell = "/bin/bash"
# The students' servers run JupyterLab from the environment the course is installed in
# (pip install -e /srv/newslens "jupyterhub" nbgitpuller, see deploy/README.md).
c.SystemdSpawner.extra_paths = [os.path.join(USER_ENV, "bin")]
c.Spawner.cmd = [os.path.join(USER_ENV, "bin", "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120  # a cold start on a busy server takes a while
c.Spawner.http_timeout = 60
c.Spawner.environment = {
    "MPLCONFIGDIR": "/tmp/matplotlib",  # matplotlib's cache in the unit's private /tmp
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}
c.JupyterHub.concurrent_spawn_limit = 20  # a whole class logging in at once queues instead of thrashing

# --- Stop idle servers (jupyterhub-idle-culler, a hub service) ----------------------------------------------
c.JupyterHub.load_roles = [
    {
        "name": "jupyterhub-idle-culler-role",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["jupyterhub-idle-culler-service"],
    }
]
c.JupyterHub.services = [
    {
        "name": "jupyterhub-idle-culler-service",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600", "--cull-every=300"],
    }
]

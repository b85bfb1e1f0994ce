#!/usr/bin/env bash
# The Littlest JupyterHub (TLJH) settings for the newslens course: the same choices as
# deploy/jupyterhub_config.py, in TLJH's own terms. Run as root on the TLJH server after installing TLJH
# (see deploy/README.md, "Option B"). Safe to run again: every line sets a value.
#
#   sudo NEWSLENS_REPO=https://github.com/<owner>/newslens bash deploy/tljh-config.sh
set -euo pipefail
REPO="${NEWSLENS_REPO:?set NEWSLENS_REPO to the course repository URL the students pull}"
BRANCH="${NEWSLENS_BRANCH:-main}"
ADMIN="${NEWSLENS_ADMIN:-instructor}"
MEM_LIMIT="${NEWSLENS_MEM_LIMIT:-1G}"  # from make bench-hub; deploy/README.md explains the figure
CPU_LIMIT="${NEWSLENS_CPU_LIMIT:-1}"

# The course package in TLJH's user environment (/opt/tljh/user), from a copy of the course kept in /srv;
# nbgitpuller and JupyterLab are already there (TLJH installs them). Installed editable: the package reads
# the course's data from /srv/newslens.
if [ -d /srv/newslens/.git ]; then
  git -C /srv/newslens pull --ff-only
else
  git clone --branch "$BRANCH" "$REPO" /srv/newslens
fi
/opt/tljh/user/bin/pip install --quiet -e /srv/newslens

# Accounts: NativeAuthenticator, students sign up and an admin approves them at /hub/authorize.
tljh-config set auth.type nativeauthenticator.NativeAuthenticator
tljh-config set auth.NativeAuthenticator.open_signup false
tljh-config set auth.NativeAuthenticator.minimum_password_length 10
tljh-config add-item users.admin "$ADMIN"

# Per-student hard limits (TLJH runs each server as a systemd unit with MemoryMax= and CPUQuota=).
tljh-config set limits.memory "$MEM_LIMIT"
tljh-config set limits.cpu "$CPU_LIMIT"

# Stop servers idle for an hour; JupyterLab as the default interface.
tljh-config set services.cull.enabled true
tljh-config set services.cull.timeout 3600
tljh-config set services.cull.every 300
tljh-config set user_environment.default_app jupyterlab

tljh-config reload
echo "TLJH configured. Lesson links: python -m newslens links --hub https://<this server> --repo $REPO --branch $BRANCH"

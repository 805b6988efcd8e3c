# Helpers shared by the load scripts in bench/ (sourced, not run).

# install_missing PKG...: install these Debian packages (with sudo unless root).
install_missing() {
  [ $# -gt 0 ] || return 0
  local sudo=sudo
  [ "$(id -u)" = 0 ] && sudo=
  echo "installing $*"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on (20000..39999).
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "no free port found on 127.0.0.1" >&2
  return 1
}

# Sets pg_user and as_pg (runs a command as that user). initdb refuses to run
# as root: as root, use the postgres system user (the Debian package creates
# it; otherwise a system user made for this).
pg_as_user() {
  if [ "$(id -u)" = 0 ]; then
    pg_user=postgres
    id "$pg_user" >/dev/null 2>&1 || { pg_user=rifugio-bench; id "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home "$pg_user"; }
    as_pg() { runuser -u "$pg_user" -- "$@"; }
  else
    pg_user=$(id -un)
    as_pg() { "$@"; }
  fi
}

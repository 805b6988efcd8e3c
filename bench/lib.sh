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

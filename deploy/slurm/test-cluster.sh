#!/bin/bash
# A throwaway single-node Slurm cluster (Debian's slurm-wlm and munge), all state in one folder.
#
#   deploy/slurm/test-cluster.sh start DIR   # writes DIR/slurm.conf, starts munged, slurmctld, slurmd
#   SLURM_CONF=DIR/slurm.conf sbatch ...     # use it
#   deploy/slurm/test-cluster.sh stop DIR    # cancels its jobs, stops the daemons by their pid files
#
# Needs root (slurmd runs jobs as their submitter; munged runs as the `munge` user the package
# creates). Nothing outside DIR is written: the munge key, socket, pid, log and seed files, and
# Slurm's state, spool, pid and log files all live in DIR, and the daemons read DIR/slurm.conf
# (-f, SLURM_CONF), so /etc/slurm and /etc/munge are left alone and two clusters can run side
# by side. Ports: SLURMCTLD_PORT and SLURMD_PORT (default 6817 and 6818). `start` returns when
# the node is idle, or fails (printing the daemons' logs) after START_TIMEOUT seconds (default
# 60; run `stop` then too). Used by tests/course/grading/test_slurm.py; handy for trying deploy/slurm/grade-array.sbatch.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$(realpath -m "$2")
export SLURM_CONF=$dir/slurm.conf

logs() {
  for f in "$dir"/munge/munged.log "$dir"/log/slurmctld.log "$dir"/log/slurmd.log \
    "$dir"/log/daemons.out; do
    [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
  done >&2
  return 0
}

start() {
  [ "$(id -u)" = 0 ] || { echo "$0: needs root" >&2; exit 1; }
  for exe in munged mungekey slurmctld slurmd sinfo runuser; do
    command -v "$exe" >/dev/null || { echo "$0: $exe missing (apt-get install slurm-wlm munge)" >&2; exit 1; }
  done
  local host ctld_port slurmd_port deadline
  host=$(hostname)
  ctld_port=${SLURMCTLD_PORT:-6817}
  slurmd_port=${SLURMD_PORT:-6818}
  mkdir -p "$dir"/state "$dir"/spool "$dir"/log "$dir"/munge
  chmod 0711 "$dir"  # munged (user munge) must reach its folder
  if ! runuser -u munge -- test -x "$dir"; then
    echo "$0: the munge user cannot reach $dir: its parent folders must be searchable (o+x)" >&2
    exit 1
  fi
  # munged refuses files and folders that others could write, or that it does not own
  chown munge:munge "$dir"/munge
  chmod 0755 "$dir"/munge
  if [ ! -f "$dir"/munge/munge.key ]; then
    runuser -u munge -- mungekey --create --keyfile="$dir"/munge/munge.key
  fi
  cat >"$dir"/slurm.conf <<EOF
ClusterName=mbrltest
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  # munged as its own user, on its own socket (AuthInfo above points Slurm at it)
  runuser -u munge -- munged --socket="$dir"/munge/munge.socket \
    --key-file="$dir"/munge/munge.key --pid-file="$dir"/munge/munged.pid \
    --log-file="$dir"/munge/munged.log --seed-file="$dir"/munge/munged.seed </dev/null >>"$dir"/log/daemons.out 2>&1 || { logs; exit 1; }
  slurmctld -f "$SLURM_CONF" </dev/null >>"$dir"/log/daemons.out 2>&1 || { logs; exit 1; }
  slurmd -f "$SLURM_CONF" </dev/null >>"$dir"/log/daemons.out 2>&1 || { logs; exit 1; }
  deadline=$((SECONDS + ${START_TIMEOUT:-60}))
  until [ "$(sinfo --noheader --nodes="$host" --format=%t 2>/dev/null)" = idle ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$0: node $host not idle after ${START_TIMEOUT:-60} s" >&2
      sinfo >&2 || true
      logs
      exit 1
    fi
    sleep 0.5
  done
}

running() {  # is pid $1 alive (a zombie no init reaps counts as gone)?
  local _pid _comm state
  read -r _pid _comm state _ <"/proc/$1/stat" 2>/dev/null || return 1
  [ "$state" != Z ]
}

term_pid_file() {  # SIGTERM the daemon $2 whose pid file is $1; print its pid
  local pid
  [ -s "$1" ] || return 0
  pid=$(cat "$1")
  # a stale pid file may name a reused pid: only signal the daemon that wrote it
  [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$2" ] || return 0
  kill -TERM "$pid" 2>/dev/null && echo "$pid"
  return 0
}

stop() {
  local jobs pids pid i alive
  # jobs first (their slurmstepd would outlive slurmd), then the daemons, each by its pid file
  if [ -s "$dir"/slurmctld.pid ] && running "$(cat "$dir"/slurmctld.pid)"; then
    jobs=$(squeue --noheader --format=%A 2>/dev/null || true)
    [ -z "$jobs" ] || scancel --quiet $jobs 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      [ -z "$(squeue --noheader 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  pids="$(term_pid_file "$dir"/slurmd.pid slurmd) $(term_pid_file "$dir"/slurmctld.pid slurmctld)"
  pids+=" $(term_pid_file "$dir"/munge/munged.pid munged)"
  for ((i = 0; i < 100; i++)); do  # each takes 1-2 s to exit; SIGKILL after 10 s
    alive=""
    for pid in $pids; do running "$pid" && alive+=" $pid"; done
    pids=$alive
    [ -z "$pids" ] && return 0
    sleep 0.1
  done
  for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac

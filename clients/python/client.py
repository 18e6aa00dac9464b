#!/usr/bin/python3
"""redis-py's RedisCluster under test: the writer's workload, one JSON line per operation.

Speaks failover-lab's client line protocol (docs/CLIENTS.md): configuration from FAILOVERLAB_*
environment variables, then on stdout a "hello" line with the library and its settings, one "op"
line per INCR (start and end in epoch ms, outcome, reply or error) and a "beat" line every second.
A synchronous client, as the seed's app was: one command at a time, paced to FAILOVERLAB_RATE.
Runs with Debian's /usr/bin/python3, whose python3-redis (4.3) is the library measured.
"""
import json
import os
import sys
import threading
import time

import redis
from redis.cluster import ClusterNode, RedisCluster

# The library's own settings, per configuration, as the report prints them.
CONFIGS = {
    # What redis-py's getting-started page gives: RedisCluster(host, port), nothing else set.
    "default": {},
    # Fail fast on a dead or frozen node, and re-read the topology at the first MOVED, so a
    # promotion is followed at once (measured: docs/CLIENTS.md).
    "tuned": {
        "socket_timeout": 0.25,          # a frozen node costs 250 ms, not forever
        "socket_connect_timeout": 0.25,  # a dead node's refused or silent connect fails fast
        "reinitialize_steps": 1,         # refresh the slot map at the first MOVED, not the tenth
        "cluster_error_retry_attempts": 1,  # our loop retries; the library's own adds 0.25 s sleeps
        # Re-read the topology from the seeds, each given a connection of its own (below). redis-py < 4.4
        # re-reads it from the first node it knows that answers; reaching a node it has no connection to
        # means deep-copying its own connect callback, which fails with "cannot pickle '_thread.lock'
        # object" and ends the re-read: no recovery until the dead node is back. By default the nodes
        # are the discovered ones, the dead master first when it served slot 0; with the seeds alone,
        # only the seed connected at start has a connection (redis-py #2377, fixed in 4.4.0; measured:
        # docs/CLIENTS.md).
        "dynamic_startup_nodes": False,
    },
}

out_lock = threading.Lock()


def emit(record):
    line = json.dumps(record, separators=(",", ":"))
    try:
        with out_lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
    except BrokenPipeError:
        os._exit(0)  # the harness is gone: nobody is measuring any more


STOPPING = threading.Event()


def exit_when_stdin_closes():
    # The harness keeps our stdin open; its end (the harness stopped or died) is our end. The main loop
    # starts no INCR from then on and reports the one in flight, so every write we made is in the
    # harness's ledger; a call blocked on a frozen node gets 1.5 s (the harness's grace period is 2 s).
    sys.stdin.read()
    STOPPING.set()
    time.sleep(1.5)
    os._exit(0)


def now_ms():
    return time.time() * 1000.0


def heartbeat():
    while True:
        time.sleep(1.0)
        emit({"type": "beat", "t": now_ms()})


def main():
    seeds = [s.rsplit(":", 1) for s in os.environ["FAILOVERLAB_SEEDS"].split(",") if s]
    keys = [k for k in os.environ["FAILOVERLAB_KEYS"].split(",") if k]
    rate = float(os.environ.get("FAILOVERLAB_RATE", "200"))
    config = os.environ.get("FAILOVERLAB_CONFIG", "default")
    if config not in CONFIGS:
        sys.stderr.write("unknown FAILOVERLAB_CONFIG %r (expected %s)\n" % (config, ", ".join(CONFIGS)))
        return 2
    settings = dict(CONFIGS[config])
    password = os.environ.get("FAILOVERLAB_PASSWORD")
    if password:
        settings["password"] = password
    if config == "tuned":
        # Each seed with a connection of its own (ClusterNode's redis_connection), so a re-read of the
        # topology never needs to make one (see "dynamic_startup_nodes" above).
        nodes = [ClusterNode(host, int(port), redis_connection=redis.Redis(
            host=host, port=int(port), password=password or None, decode_responses=True,
            socket_timeout=settings["socket_timeout"], socket_connect_timeout=settings["socket_connect_timeout"]))
            for host, port in seeds]
    else:
        nodes = [ClusterNode(host, int(port)) for host, port in seeds]
    client = RedisCluster(startup_nodes=nodes, **settings)
    shown = {k: v for k, v in settings.items() if k != "password"}
    if config == "tuned":
        shown["startup_nodes"] = "the seeds, each with a connection of its own"

    emit({"type": "hello", "client": "redis-py", "version": redis.__version__, "config": config,
          "settings": shown})
    threading.Thread(target=heartbeat, daemon=True).start()
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()

    interval = 1000.0 / rate if rate > 0 else 0.0
    next_start = now_ms()
    index = 0
    while not STOPPING.is_set():
        wait = next_start - now_ms()
        if wait > 0:
            time.sleep(wait / 1000.0)
            if STOPPING.is_set():
                break
        # Behind schedule (a slow call): start at once, but never burst to catch up.
        next_start = max(next_start + interval, now_ms())
        key = keys[index % len(keys)]
        index += 1
        start = now_ms()
        try:
            value = client.incr(key)
            emit({"type": "op", "key": key, "start": start, "end": now_ms(), "ok": True, "value": value})
        except Exception as error:  # every failure is a record: the harness classifies it
            emit({"type": "op", "key": key, "start": start, "end": now_ms(), "ok": False,
                  "error": str(error) or repr(error), "errorClass": type(error).__name__})
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())

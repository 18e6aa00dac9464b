package io.failoverlab.localcluster;

/** What this JVM did to (or observed of) a node's process. */
public enum NodeState {
  /** Process alive and not stopped by us. */
  RUNNING,
  /** Process frozen with SIGSTOP (a hang, not a crash: its sockets stay open). */
  HUNG,
  /** Process killed (SIGKILL) or exited by itself; can be restarted. */
  CRASHED,
  /** Never started, or stopped together with the whole cluster. */
  STOPPED
}

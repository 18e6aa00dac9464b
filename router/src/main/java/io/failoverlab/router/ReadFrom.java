package io.failoverlab.router;

/** Where reads go: the shard's master (always current), or a replica (READONLY; may lag). */
public enum ReadFrom {
  MASTER, REPLICA
}

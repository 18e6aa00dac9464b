package io.failoverlab.localcluster;

/**
 * A snapshot of one node.
 *
 * @param port    data port on 127.0.0.1
 * @param address "127.0.0.1:port", the form cluster clients take as seeds
 * @param pid     process id of the current (or last) redis-server process; -1 if never started
 * @param state   process state as of the snapshot
 */
public record LocalNode(int port, String address, long pid, NodeState state) {
}

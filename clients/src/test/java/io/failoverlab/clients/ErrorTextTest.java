package io.failoverlab.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.failoverlab.router.ErrorType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each library's own error texts, as the libraries measured here word them (copied from their sources:
 * redis-py 4.3 of python3-redis, predis 1.1 of php-nrk-predis, ioredis 6, Jedis 8, Lettuce 7, Redisson,
 * vertx-redis-client), classified into the lab's error types, and whether such a failed INCR may still
 * have been applied (counted as an unknown outcome, never as lost).
 */
class ErrorTextTest {

  @ParameterizedTest(name = "{0}: {1} \"{2}\" -> {3}, maybe applied {4}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "null", value = {
      // The server's replies, passed on whole by most libraries.
      "predis   | Predis\\Response\\ServerException | MOVED 3999 127.0.0.1:7002                              | MOVED       | false",
      "Jedis    | JedisMovedDataException          | MOVED 3999 127.0.0.1:7002                               | MOVED       | false",
      "ioredis  | ReplyError                       | ASK 3999 127.0.0.1:7002                                 | ASK         | false",
      "Jedis    | JedisAskDataException            | ASK 3999 127.0.0.1:7002                                 | ASK         | false",
      "Lettuce  | RedisCommandExecutionException   | CLUSTERDOWN The cluster is down                         | CLUSTERDOWN | false",
      "Jedis    | JedisClusterException            | CLUSTERDOWN Hash slot not served                        | CLUSTERDOWN | false",
      "ioredis  | ReplyError                       | MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'. | CLUSTERDOWN | false",
      "ioredis  | ReplyError                       | TRYAGAIN Multiple keys request during rehashing of slot | TRYAGAIN    | false",
      "predis   | Predis\\Response\\ServerException | READONLY You can't write against a read only replica.  | READONLY    | false",
      "Redisson | RedisException                   | READONLY You can't write against a read only replica.. channel: [id: 0x1, L:/127.0.0.1:50000 - R:127.0.0.1/127.0.0.1:7003] command: (INCR) | READONLY | false",
      "Jedis    | JedisDataException               | LOADING Redis is loading the dataset in memory          | LOADING     | false",
      "Lettuce  | RedisLoadingException            | LOADING Redis is loading the dataset in memory          | LOADING     | false",
      // redis-py strips the code from the server's reply and names it by the exception's class instead.
      "redis-py | MovedError                       | 3999 127.0.0.1:7002                                     | MOVED       | false",
      "redis-py | AskError                         | 3999 127.0.0.1:7002                                     | ASK         | false",
      "redis-py | ClusterDownError                 | The cluster is down                                     | CLUSTERDOWN | false",
      "redis-py | ClusterDownError                 | CLUSTERDOWN error. Unable to rebuild the cluster        | CLUSTERDOWN | false",
      "redis-py | MasterDownError                  | Link with MASTER is down and replica-serve-stale-data is set to 'no'. | CLUSTERDOWN | false",
      "redis-py | TryAgainError                    | Multiple keys request during rehashing of slot          | TRYAGAIN    | false",
      "redis-py | ReadOnlyError                    | You can't write against a read only replica.            | READONLY    | false",
      "redis-py | BusyLoadingError                 | Redis is loading the dataset in memory                  | LOADING     | false",
      // Connections: refused (nothing was sent) or lost (the INCR may have gone out).
      "redis-py | ConnectionError                  | Error 111 connecting to 127.0.0.1:7000. Connection refused. | CONNECTION | false",
      "redis-py | ConnectionError                  | Connection closed by server.                            | CONNECTION  | true",
      "redis-py | TimeoutError                     | Timeout reading from socket                             | TIMEOUT     | true",
      "redis-py | TimeoutError                     | Timeout connecting to server                            | TIMEOUT     | true",
      "Jedis    | JedisConnectionException         | Failed to connect to 127.0.0.1:7000.                    | CONNECTION  | false",
      "Jedis    | JedisConnectionException         | Unexpected end of stream.                               | CONNECTION  | true",
      "Jedis    | JedisConnectionException         | java.net.SocketTimeoutException: Read timed out         | TIMEOUT     | true",
      "Jedis    | JedisClusterOperationException   | Cluster retry deadline exceeded.                        | TIMEOUT     | true",
      "Jedis    | JedisClusterOperationException   | No more cluster attempts left.                          | OTHER       | true",
      "Lettuce  | RedisCommandTimeoutException     | Command timed out after 300 millisecond(s)              | TIMEOUT     | true",
      "Lettuce  | RedisConnectionException         | Unable to connect to 127.0.0.1/<unresolved>:7000         | CONNECTION  | false",
      "ioredis  | Error                            | Connection is closed.                                   | CONNECTION  | true",
      "ioredis  | Error                            | Command timed out                                       | TIMEOUT     | true",
      "ioredis  | Error                            | connect ECONNREFUSED 127.0.0.1:7000                     | CONNECTION  | false",
      "predis   | Predis\\Connection\\ConnectionException | Connection refused [tcp://127.0.0.1:7000]         | CONNECTION  | false",
      "predis   | Predis\\Connection\\ConnectionException | Error while reading line from the server. [tcp://127.0.0.1:7000] | CONNECTION | true",
      "vertx    | IllegalStateException            | CONNECTION_CLOSED                                       | CONNECTION  | true",
      "vertx    | ConnectException                 | Failed to connect to all nodes of the cluster           | CONNECTION  | false",
      "vertx    | NoStackTraceTimeoutException     | Timeout 300 (ms) fired                                  | TIMEOUT     | true",
      "Redisson | RedisTimeoutException            | Command execution timeout for command: (INCR), params: [k1] | TIMEOUT | true",
      // Anything else is the client's or the command's own fault: not the failover's.
      "redis-py | ResponseError                    | WRONGTYPE Operation against a key holding the wrong kind of value | OTHER | false",
      "ioredis  | ReplyError                       | ERR value is not an integer or out of range             | OTHER       | false",
      "mine     | null                             | null                                                    | OTHER       | false"})
  void classifiesEachLibrarysOwnWords(String library, String errorClass, String message, ErrorType type,
                                      boolean maybeApplied) {
    assertThat(ErrorText.classify(errorClass, message)).as("%s %s: %s", library, errorClass, message).isEqualTo(type);
    assertThat(ErrorText.maybeApplied(type, message)).as("maybe applied: %s %s", library, message)
        .isEqualTo(maybeApplied);
  }
}

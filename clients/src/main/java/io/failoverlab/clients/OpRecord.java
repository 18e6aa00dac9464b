package io.failoverlab.clients;

/**
 * What a client under test did with one INCR: when it started and completed (epoch ms with the
 * sub-millisecond part), and the reply or the error as the library reported it. The same record
 * whether the client runs in this JVM or speaks the line protocol from a child process.
 *
 * @param value      the INCR reply (the counter on the server), null on error
 * @param error      the error's text, null on success
 * @param errorClass the library's exception type ("JedisConnectionException", "ConnectionError"), null on success
 */
public record OpRecord(String key, double start, double end, boolean ok, Long value, String error, String errorClass) {

  public static OpRecord success(String key, double start, double end, long value) {
    return new OpRecord(key, start, end, true, value, null, null);
  }

  public static OpRecord failure(String key, double start, double end, String error, String errorClass) {
    return new OpRecord(key, start, end, false, null, error == null || error.isBlank() ? errorClass : error, errorClass);
  }

  /** Epoch ms with the sub-millisecond part, from this JVM's clock. */
  public static double now() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1000.0 + now.getNano() / 1_000_000.0;
  }

  public double millis() {
    return end - start;
  }
}

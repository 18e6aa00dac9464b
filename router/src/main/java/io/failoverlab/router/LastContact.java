package io.failoverlab.router;

/** When any node last replied, with anything at all: the readiness check's sign that Redis is there. */
final class LastContact {

  private long millis;

  void replied() {
    millis = System.currentTimeMillis();
  }

  /** Wall-clock millis of the last reply (0 = never). */
  long millis() {
    return millis;
  }
}

package io.failoverlab.bench;

/**
 * A cluster shape of the timing measurement: {@code masters} x {@code replicas} per master, written
 * as {@code --timing-shapes} takes it ("6x2").
 */
record TimingShape(int masters, int replicas) {

  static final int MIN_MASTERS = 3;
  static final int MAX_MASTERS = 16;
  static final int MIN_REPLICAS = 1;
  static final int MAX_REPLICAS = 3;

  /** "6x2" → 6 masters with 2 replicas each; anything else, or out of range, is an IllegalArgumentException saying why. */
  static TimingShape parse(String text) {
    String[] parts = text.strip().toLowerCase(java.util.Locale.ROOT).split("x", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("'" + text + "' is not MASTERSxREPLICAS (e.g. 6x2)");
    }
    int masters;
    int replicas;
    try {
      masters = Integer.parseInt(parts[0]);
      replicas = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not MASTERSxREPLICAS (e.g. 6x2)");
    }
    if (masters < MIN_MASTERS || masters > MAX_MASTERS) {
      throw new IllegalArgumentException("'" + text + "': masters must be " + MIN_MASTERS + "-" + MAX_MASTERS);
    }
    if (replicas < MIN_REPLICAS || replicas > MAX_REPLICAS) {
      throw new IllegalArgumentException("'" + text + "': replicas per master must be " + MIN_REPLICAS + "-"
          + MAX_REPLICAS);
    }
    return new TimingShape(masters, replicas);
  }

  int nodes() {
    return masters * (1 + replicas);
  }

  @Override
  public String toString() {
    return masters + "x" + replicas;
  }
}

package io.failoverlab.router.load;

import io.failoverlab.common.config.ConfigException;
import io.failoverlab.common.config.Env;
import io.failoverlab.router.SlotHash;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The counter keys writer and reader share. Key i carries a hash tag chosen so that its slot falls in
 * the i-th of {@code count} equal slices of the slot space: the keys cover every shard evenly,
 * whatever the cluster's layout, and both services derive the same names from (prefix, count).
 */
public final class CounterKeys {

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9:_.-]{1,64}");

  private final String prefix;
  private final List<String> names;

  public CounterKeys(String prefix, int count) {
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("key prefix must be 1-64 characters of A-Z a-z 0-9 : _ . -, got '" + prefix + "'");
    }
    if (count < 1 || count > SlotHash.SLOTS) {
      throw new IllegalArgumentException("key count must be between 1 and " + SlotHash.SLOTS + ", got " + count);
    }
    this.prefix = prefix;
    List<String> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(keyInSlice(prefix, i, count));
    }
    this.names = List.copyOf(keys);
  }

  /** KEY_PREFIX (default "failoverlab") and KEY_COUNT (default 48). */
  public static CounterKeys fromEnv(Env env) {
    String prefix = env.string("KEY_PREFIX", "failoverlab");
    int count = env.integer("KEY_COUNT", 48, 1, SlotHash.SLOTS);
    try {
      return new CounterKeys(prefix, count);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("KEY_PREFIX", e.getMessage());
    }
  }

  public String prefix() {
    return prefix;
  }

  public List<String> names() {
    return names;
  }

  public int size() {
    return names.size();
  }

  private static String keyInSlice(String prefix, int index, int count) {
    int from = (int) ((long) index * SlotHash.SLOTS / count);
    int to = (int) ((long) (index + 1) * SlotHash.SLOTS / count);
    for (int attempt = 0; ; attempt++) {
      String key = prefix + ":counter:{c" + index + "." + attempt + "}";
      int slot = SlotHash.slot(key);
      if (slot >= from && slot < to) {
        return key;
      }
    }
  }
}

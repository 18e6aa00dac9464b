package io.failoverlab.router;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * Redis Cluster key-to-slot mapping: CRC16 (XMODEM) of the key, or of its hash tag, modulo 16384.
 * Written here because vertx-redis-client keeps its own copy in an impl package, which is not API.
 */
public final class SlotHash {

  public static final int SLOTS = 16384;

  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      TABLE[i] = crc & 0xFFFF;
    }
  }

  private SlotHash() {
  }

  /**
   * A key {@code prefix:{<tag>}} whose slot is one of {@code slots} (non-empty): the first such tag
   * found, so the same slots always give the same key.
   */
  public static String keyIn(String prefix, BitSet slots) {
    if (slots.isEmpty()) {
      throw new IllegalArgumentException("no slot to put a key in");
    }
    for (int i = 0; ; i++) {
      String key = prefix + ":{" + i + "}";
      if (slots.get(slot(key))) {
        return key;
      }
    }
  }

  public static int slot(String key) {
    // Every operation hashes its key: the usual ASCII key is hashed from its chars, with no copy.
    // '{' and '}' are single bytes in UTF-8 and no multi-byte sequence contains an ASCII byte, so the
    // hash tag is found at the same place either way.
    int start = 0;
    int end = key.length();
    int open = key.indexOf('{');
    if (open >= 0) {
      int close = key.indexOf('}', open + 1);
      if (close > open + 1) {
        start = open + 1;
        end = close;
      }
    }
    int crc = 0;
    for (int i = start; i < end; i++) {
      char c = key.charAt(i);
      if (c >= 0x80) {
        return slotOfUtf8(key);
      }
      crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ c) & 0xFF]) & 0xFFFF;
    }
    return crc & (SLOTS - 1);
  }

  /** The slot from the key's UTF-8 bytes: keys with non-ASCII characters in the hashed part. */
  static int slotOfUtf8(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    int start = 0;
    int end = bytes.length;
    // Only the part inside the first {...} is hashed, if it is non-empty.
    for (int open = 0; open < bytes.length; open++) {
      if (bytes[open] == '{') {
        for (int close = open + 1; close < bytes.length; close++) {
          if (bytes[close] == '}') {
            if (close > open + 1) {
              start = open + 1;
              end = close;
            }
            break;
          }
        }
        break;
      }
    }
    return crc16(bytes, start, end) & (SLOTS - 1);
  }

  static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ bytes[i]) & 0xFF]) & 0xFFFF;
    }
    return crc;
  }
}

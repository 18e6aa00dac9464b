package io.failoverlab.common.topology;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** An inclusive range of hash slots, written "0-5460" (or "42" for one slot) as Redis does. */
public record SlotRange(int from, int to) {

  public SlotRange {
    if (from < 0 || to >= 16384 || from > to) {
      throw new IllegalArgumentException("invalid slot range " + from + "-" + to);
    }
  }

  public static SlotRange parse(String text) {
    int dash = text.indexOf('-');
    try {
      if (dash < 0) {
        int slot = Integer.parseInt(text);
        return new SlotRange(slot, slot);
      }
      return new SlotRange(Integer.parseInt(text.substring(0, dash)), Integer.parseInt(text.substring(dash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid slot range '" + text + "'");
    }
  }

  public int size() {
    return to - from + 1;
  }

  public boolean contains(int slot) {
    return slot >= from && slot <= to;
  }

  @Override
  public String toString() {
    return from == to ? Integer.toString(from) : from + "-" + to;
  }

  /** The ranges of set bits, in order. */
  public static List<SlotRange> of(BitSet slots) {
    List<SlotRange> ranges = new ArrayList<>();
    int start = slots.nextSetBit(0);
    while (start >= 0) {
      int end = slots.nextClearBit(start) - 1;
      ranges.add(new SlotRange(start, end));
      start = slots.nextSetBit(end + 1);
    }
    return ranges;
  }

  /** The inverse of {@link #format}: "0-100,5000-5460" (blank parts skipped); throws on anything else. */
  public static List<SlotRange> parseList(String text) {
    List<SlotRange> ranges = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        ranges.add(parse(part.strip()));
      }
    }
    return ranges;
  }

  /** Whether any of {@code ranges} holds {@code slot}. */
  public static boolean contains(List<SlotRange> ranges, int slot) {
    for (SlotRange range : ranges) {
      if (range.contains(slot)) {
        return true;
      }
    }
    return false;
  }

  public static String format(List<SlotRange> ranges) {
    if (ranges.isEmpty()) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    for (SlotRange range : ranges) {
      if (text.length() > 0) {
        text.append(',');
      }
      text.append(range);
    }
    return text.toString();
  }
}

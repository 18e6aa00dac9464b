package io.failoverlab.monitor.journal;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * One record per line: {@code <crc32c of the JSON, 8 hex digits> <JSON>\n}. JSON as Vert.x encodes it
 * never holds a raw newline, so a line is a record and a reader can resynchronise after a bad one at
 * the next newline; the checksum tells a torn or flipped record from a good one.
 */
final class JournalCodec {

  /** A line that is not a record: why, for the load's report. */
  static final class BadRecord extends Exception {
    BadRecord(String reason) {
      super(reason, null, false, false);
    }
  }

  private static final int CRC_HEX = 8;

  private JournalCodec() {
  }

  static byte[] encode(JournalRecord record) {
    byte[] json = record.toJson().encode().getBytes(StandardCharsets.UTF_8);
    byte[] crc = HexFormat.of().toHexDigits((int) crc(json, 0, json.length)).getBytes(StandardCharsets.US_ASCII);
    byte[] line = new byte[CRC_HEX + 1 + json.length + 1];
    System.arraycopy(crc, 0, line, 0, CRC_HEX);
    line[CRC_HEX] = ' ';
    System.arraycopy(json, 0, line, CRC_HEX + 1, json.length);
    line[line.length - 1] = '\n';
    return line;
  }

  /** The line {@code bytes[from, to)}, without its newline. */
  static JournalRecord decode(byte[] bytes, int from, int to) throws BadRecord {
    int length = to - from;
    if (length < CRC_HEX + 2 || bytes[from + CRC_HEX] != ' ') {
      throw new BadRecord("not a record (" + length + " bytes)");
    }
    long expected;
    try {
      expected = Long.parseLong(new String(bytes, from, CRC_HEX, StandardCharsets.US_ASCII), 16);
    } catch (NumberFormatException e) {
      throw new BadRecord("no checksum");
    }
    int json = from + CRC_HEX + 1;
    if (crc(bytes, json, to - json) != expected) {
      throw new BadRecord("checksum mismatch");
    }
    try {
      return JournalRecord.fromJson(new JsonObject(new String(bytes, json, to - json, StandardCharsets.UTF_8)));
    } catch (RuntimeException e) {
      // Right checksum, wrong content: written by another version, or by hand.
      throw new BadRecord("unreadable record: " + e.getMessage());
    }
  }

  private static long crc(byte[] bytes, int from, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, from, length);
    return crc.getValue();
  }
}

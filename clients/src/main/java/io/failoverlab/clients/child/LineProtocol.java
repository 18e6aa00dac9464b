package io.failoverlab.clients.child;

import io.failoverlab.clients.OpRecord;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The line protocol a client under test speaks on its stdout, one JSON object per line (documented in
 * docs/CLIENTS.md, with an example in each of clients/python, clients/php, clients/node):
 * <ul>
 *   <li>{@code {"type":"hello","client":"redis-py","version":"4.3.4","config":"tuned","settings":{...}}}
 *       first: the library and its settings in full, for the report;</li>
 *   <li>{@code {"type":"op","key":"k","start":1.7e12,"end":1.7e12,"ok":true,"value":42}} per INCR,
 *       or with {@code "ok":false,"error":"...","errorClass":"..."}: times in epoch ms (fractions allowed);</li>
 *   <li>{@code {"type":"skip","key":"k"}}: the key's previous INCR was still in flight;</li>
 *   <li>{@code {"type":"beat"}}: alive, between operations (optional; any line counts as a sign of life).</li>
 * </ul>
 * Anything else is a protocol error, and the client is reported failed: a measurement built on lines
 * we do not understand would be wrong without saying so.
 */
public final class LineProtocol {

  /** The longest line accepted (a hello with settings fits easily). */
  public static final int MAX_LINE_CHARS = 64 * 1024;

  public sealed interface Line permits Hello, Op, Skip, Beat {
  }

  public record Hello(String client, String version, String config, JsonObject settings) implements Line {
  }

  public record Op(OpRecord record) implements Line {
  }

  public record Skip(String key) implements Line {
  }

  public record Beat() implements Line {
  }

  /** Thrown for a line that does not follow the protocol; the message quotes the line and says why. */
  public static final class ProtocolError extends Exception {
    public ProtocolError(String message) {
      super(message);
    }
  }

  private LineProtocol() {
  }

  public static Line parse(String line) throws ProtocolError {
    if (line.length() > MAX_LINE_CHARS) {
      throw new ProtocolError("line longer than " + MAX_LINE_CHARS + " characters");
    }
    JsonObject json;
    try {
      json = new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      throw new ProtocolError("not a JSON object: " + quote(line));
    }
    String type = json.getValue("type") instanceof String text ? text : null;
    if (type == null) {
      throw new ProtocolError("no \"type\": " + quote(line));
    }
    try {
      return switch (type) {
        case "hello" -> new Hello(required(json, "client", line), json.getString("version", "?"),
            json.getString("config"), json.getJsonObject("settings", new JsonObject()));
        case "op" -> new Op(op(json, line));
        case "skip" -> new Skip(required(json, "key", line));
        case "beat" -> new Beat();
        default -> throw new ProtocolError("unknown type '" + type + "': " + quote(line));
      };
    } catch (ClassCastException e) {
      throw new ProtocolError("a field of the wrong type: " + quote(line));
    }
  }

  private static OpRecord op(JsonObject json, String line) throws ProtocolError {
    String key = required(json, "key", line);
    Number start = json.getNumber("start");
    Number end = json.getNumber("end");
    Boolean ok = json.getBoolean("ok");
    if (start == null || end == null || ok == null) {
      throw new ProtocolError("an op needs \"start\", \"end\" and \"ok\": " + quote(line));
    }
    if (end.doubleValue() < start.doubleValue()) {
      throw new ProtocolError("an op that ended before it started: " + quote(line));
    }
    if (ok) {
      Number value = json.getNumber("value");
      if (value == null) {
        throw new ProtocolError("a successful INCR needs its \"value\": " + quote(line));
      }
      return OpRecord.success(key, start.doubleValue(), end.doubleValue(), value.longValue());
    }
    return OpRecord.failure(key, start.doubleValue(), end.doubleValue(), json.getString("error"),
        json.getString("errorClass"));
  }

  private static String required(JsonObject json, String field, String line) throws ProtocolError {
    String value = json.getString(field);
    if (value == null || value.isBlank()) {
      throw new ProtocolError("no \"" + field + "\": " + quote(line));
    }
    return value;
  }

  private static String quote(String line) {
    return "'" + (line.length() > 200 ? line.substring(0, 200) + "..." : line) + "'";
  }
}

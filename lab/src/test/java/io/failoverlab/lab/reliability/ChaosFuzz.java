package io.failoverlab.lab.reliability;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of a valid kill request ({@code POST /api/chaos/crash}, its token, a body naming a
 * master): the action in the path, the Authorization header and the JSON body are bent one or more
 * at a time, byte by byte or by type. A case that the endpoint's rules could accept (the right token
 * and a body whose {@code node} names a node of the cluster) is marked, so the test never sends it:
 * every case sent must be refused.
 */
final class ChaosFuzz {

  record Case(String description, byte[] request, boolean mayBeAccepted) {
  }

  private static final List<String> ACTIONS = List.of("crash", "hang", "failover", "restart");
  private static final String JSON_CHARS = "{}[]\":,.0123456789-+eEtrufalsn \\u/ \t\r\n\u00e9\u2028\u0000\u007f";

  private final Random random;
  private final String token;
  private final List<String> nodes;

  ChaosFuzz(long seed, String token, List<String> nodes) {
    this.random = new Random(seed);
    this.token = token;
    this.nodes = List.copyOf(nodes);
  }

  Case next() {
    String action = action();
    String authorization = authorization();
    String body = body();
    StringBuilder description = new StringBuilder("POST /api/chaos/").append(printable(action));
    byte[] head;
    StringBuilder headers = new StringBuilder("POST /api/chaos/").append(action).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (authorization != null) {
      headers.append("Authorization: ").append(authorization).append("\r\n");
      description.append(" auth=").append(printable(authorization));
    }
    byte[] content = body == null ? new byte[0] : bodyBytes(body);
    if (body != null) {
      headers.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
      description.append(" body=").append(printable(body));
    }
    headers.append("Connection: close\r\n\r\n");
    head = headers.toString().getBytes(StandardCharsets.UTF_8);
    return new Case(description.toString(), RawHttp.concat(head, content), tokenOk(authorization) && namesANode(body));
  }

  // ---- the three parts

  private String action() {
    String action = pick(ACTIONS);
    return switch (random.nextInt(10)) {
      case 0 -> action.toUpperCase(java.util.Locale.ROOT);
      case 1 -> "%" + String.format("%02x", (int) action.charAt(0)) + action.substring(1);
      case 2 -> action + "/" + pick(List.of("x", "..", "%2e%2e", "", "crash"));
      case 3 -> mutate(action, 1 + random.nextInt(3));
      case 4 -> pick(List.of("", "..", "%2e%2e", "%00", "crash%0d%0aX:%20y", "%zz", "*", "explode"));
      default -> action;
    };
  }

  private String authorization() {
    return switch (random.nextInt(12)) {
      case 0 -> null;
      case 1 -> "Bearer " + mutate(token, 1);
      case 2 -> "Basic " + token;
      case 3 -> "Bearer " + token + pick(List.of("x", " x", "\t", "=="));
      case 4 -> "Bearer " + token.substring(0, random.nextInt(token.length()));
      case 5 -> "Bearer";
      case 6 -> "Bearer " + token.toUpperCase(java.util.Locale.ROOT);
      case 7 -> "Bearer " + token + "\r\nX-Injected: yes";
      case 8 -> mutate("Bearer ", 1) + token;
      default -> pick(List.of("Bearer ", "bearer ", "BEARER  ")) + token;
    };
  }

  private String body() {
    String master = pick(nodes);
    JsonObject valid = new JsonObject().put("node", master);
    if (random.nextBoolean()) {
      valid.put("seconds", 1 + random.nextInt(5));
    }
    return switch (random.nextInt(14)) {
      case 0 -> null;
      case 1 -> "";
      case 2 -> valid.copy().put("node", pick(List.of(master + " ", "127.0.0.1:8399", "10.255.255.1:6379", "localhost:"
          + master.substring(master.lastIndexOf(':') + 1), master.replace("127.0.0.1", "127.0.0.2"), master + "\r\n",
          mutate(master, 1), "x".repeat(3000), ""))).encode();
      case 3 -> valid.copy().put("node", pick(List.<Object>of(7000, 1.5, true, new io.vertx.core.json.JsonArray().add(master),
          new JsonObject().put("node", master)))).encode();
      case 4 -> valid.copy().putNull("node").encode();
      case 5 -> valid.copy().put(pick(List.of("force", "NODE", "node ", "seconds2", "__proto__")), 1).encode();
      case 6 -> valid.copy().put("seconds", pick(List.<Object>of(0, -1, 301, 99999999999L, 2.5, "3", true,
          new io.vertx.core.json.JsonArray()))).encode();
      case 7 -> "[" + valid.encode() + "]";
      case 8 -> "{\"node\":".repeat(1 + random.nextInt(600)) + "\"" + master + "\"" + "}".repeat(random.nextInt(600));
      case 9 -> randomBytes();
      case 10 -> valid.encode().replace("\"node\"", "\"no\\u0064e\"").replace(master, mutate(master, 1));
      default -> mutate(valid.encode(), 1 + random.nextInt(4));
    };
  }

  // ---- the rules a case is judged by before sending

  /** As ChaosToken judges the header: "Bearer " in any case, then the token after stripping. */
  private boolean tokenOk(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        && authorization.substring(7).strip().equals(token);
  }

  /** Whether the body, as the endpoint parses it, names a node of the cluster (then it might be accepted). */
  private boolean namesANode(String body) {
    if (body == null) {
      return false;
    }
    try {
      Object parsed = Json.decodeValue(new String(bodyBytes(body), StandardCharsets.UTF_8));
      return parsed instanceof JsonObject json && json.getValue("node") instanceof String node
          && nodes.contains(node.strip());
    } catch (RuntimeException e) {
      return false;
    }
  }

  // ---- helpers

  private String mutate(String text, int edits) {
    StringBuilder s = new StringBuilder(text);
    for (int i = 0; i < edits; i++) {
      int at = s.length() == 0 ? 0 : random.nextInt(s.length());
      char c = JSON_CHARS.charAt(random.nextInt(JSON_CHARS.length()));
      switch (random.nextInt(3)) {
        case 0 -> s.insert(at, c);
        case 1 -> {
          if (s.length() > 0) {
            s.deleteCharAt(at);
          }
        }
        default -> {
          if (s.length() > 0) {
            s.setCharAt(at, c);
          }
        }
      }
    }
    return s.toString();
  }

  /** Marks raw bytes that are not UTF-8: such a body is sent as those bytes. */
  private static final String RAW = "\u0000raw:";

  private String randomBytes() {
    byte[] bytes = new byte[1 + random.nextInt(200)];
    random.nextBytes(bytes);
    return RAW + java.util.HexFormat.of().formatHex(bytes);
  }

  private static byte[] bodyBytes(String body) {
    return body.startsWith(RAW) ? java.util.HexFormat.of().parseHex(body.substring(RAW.length()))
        : body.getBytes(StandardCharsets.UTF_8);
  }

  private <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  static String printable(String value) {
    String clean = value.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 80 ? clean.substring(0, 80) + "...(" + clean.length() + ")" : clean;
  }
}

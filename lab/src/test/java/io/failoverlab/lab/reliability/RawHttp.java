package io.failoverlab.lab.reliability;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, byte for byte as given: a CR or LF inside a header, a broken request
 * line or a lying Content-Length cannot be sent through an HTTP client (it refuses or repairs them).
 * Each exchange is one connection, asked to close after the answer, read to its end.
 */
final class RawHttp {

  private static final int READ_TIMEOUT_MS = 15_000;
  private static final int MAX_ANSWER_BYTES = 1 << 20;

  /** What came back; {@code status} is -1 when the server closed the connection without an answer. */
  record Answer(int status, Map<String, String> headers, String body, String raw) {

    boolean answered() {
      return status > 0;
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body as the services' error shape, or null when it is not that. */
    JsonObject jsonError() {
      try {
        JsonObject json = new JsonObject(body);
        return json.getValue("status") instanceof Integer && json.getValue("error") instanceof String ? json : null;
      } catch (DecodeException | ClassCastException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return raw.length() > 400 ? raw.substring(0, 400) + "..." : raw;
    }
  }

  private RawHttp() {
  }

  /** A request with the usual headers and an optional body; {@code extraHeaders} are raw header lines. */
  static byte[] request(String method, String target, String body, String... extraHeaders) {
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1\r\n");
    for (String header : extraHeaders) {
      head.append(header).append("\r\n");
    }
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    return concat(head.toString().getBytes(StandardCharsets.ISO_8859_1), content);
  }

  static byte[] concat(byte[] first, byte[] second) {
    byte[] all = new byte[first.length + second.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  static Answer exchange(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      try {
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
      } catch (IOException closedEarly) {
        // The server may answer and close before reading all of a body it refuses: read what it said.
      }
      return parse(readAll(socket.getInputStream()));
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try {
      for (int n; (n = in.read(chunk)) != -1 && bytes.size() < MAX_ANSWER_BYTES; ) {
        bytes.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("no end of the answer within " + READ_TIMEOUT_MS + " ms, got: "
          + bytes.toString(StandardCharsets.ISO_8859_1), e);
    } catch (IOException reset) {
      // A reset after the answer: keep what arrived.
    }
    return bytes.toByteArray();
  }

  private static Answer parse(byte[] bytes) {
    String raw = new String(bytes, StandardCharsets.UTF_8);
    int end = raw.indexOf("\r\n\r\n");
    if (!raw.startsWith("HTTP/") || end < 0) {
      return new Answer(-1, Map.of(), "", raw);
    }
    String[] lines = raw.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
    }
    return new Answer(status, headers, raw.substring(end + 4), raw);
  }
}

package quorumkv.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 on a raw socket, for tests that send what no HTTP client would: writes the bytes as they are
 * and parses the answers strictly (status line, headers, a Content-Length body), so a malformed or
 * desynchronised response fails the test instead of being smoothed over by a client library.
 */
final class HttpWire {
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) [^\\r\\n]*");
  private static final int MAX_READ = 4 << 20;

  /** One response; header names lower-cased. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * What one connection got back. {@code cutShort}: the node reset the connection (after an error
   * answer it closes without reading the rest), so a last, partial response is not its fault.
   */
  record Answers(List<Response> responses, boolean cutShort, boolean timedOut, String raw) {}

  private HttpWire() {}

  /**
   * Sends {@code request} to {@code address} (host:port) and reads until {@code expected} final
   * responses arrived, the node closed, or {@code timeoutMs} passed. {@code halfClose}: end our side
   * after writing (for requests the node would otherwise wait on). {@code lastIsHead}: the last
   * request is a HEAD, so its response has no body whatever its Content-Length says.
   */
  static Answers exchange(String address, byte[] request, int expected, boolean halfClose, boolean lastIsHead,
      int timeoutMs) throws IOException {
    String[] hp = address.split(":");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 2_000);
      s.setSoTimeout(timeoutMs);
      boolean cutShort = false;
      try {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        if (halfClose) {
          s.shutdownOutput();
        }
      } catch (IOException e) {
        cutShort = true;   // the node answered early (a 413, say) and closed: read what it said
      }
      return read(s.getInputStream(), expected, lastIsHead, cutShort);
    }
  }

  private static Answers read(InputStream in, int expected, boolean lastIsHead, boolean cutShort) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    List<Response> responses = new ArrayList<>();
    boolean timedOut = false;
    try {
      while (buf.size() < MAX_READ) {
        responses = parse(buf.toByteArray(), expected, lastIsHead, false);
        if (responses.size() >= expected) {
          break;
        }
        int n = in.read(chunk);
        if (n < 0) {
          break;
        }
        buf.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException e) {
      timedOut = true;
    } catch (IOException e) {
      cutShort = true;   // reset after an error answer
    }
    byte[] raw = buf.toByteArray();
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    // Complete: every byte must form whole responses; cut short: a partial last one is allowed.
    return new Answers(parse(raw, expected, lastIsHead, !cutShort && !timedOut), cutShort, timedOut, text);
  }

  /**
   * The final responses in {@code raw} (1xx interim responses skipped). With {@code strict}, bytes left
   * over that do not form a whole response fail: the node sent a malformed or truncated one.
   */
  static List<Response> parse(byte[] raw, int expected, boolean lastIsHead, boolean strict) {
    List<Response> responses = new ArrayList<>();
    int at = 0;
    while (at < raw.length && responses.size() < expected) {
      int end = indexOf(raw, at);
      if (end < 0) {
        break;
      }
      String head = new String(raw, at, end - at, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n", -1);
      Matcher m = STATUS_LINE.matcher(lines[0]);
      if (!m.matches()) {
        throw new AssertionError("not a status line: '" + abbreviate(lines[0]) + "' in " + abbreviate(head));
      }
      int status = Integer.parseInt(m.group(1));
      Map<String, String> headers = headers(lines, head);
      int bodyStart = end + 4;
      if (status < 200) {
        at = bodyStart;
        continue;
      }
      String length = headers.get("content-length");
      if (length == null) {
        throw new AssertionError("a " + status + " without Content-Length: " + abbreviate(head));
      }
      boolean head0 = lastIsHead && responses.size() == expected - 1;
      int size = head0 ? 0 : Integer.parseInt(length);
      if (bodyStart + size > raw.length) {
        break;
      }
      byte[] body = java.util.Arrays.copyOfRange(raw, bodyStart, bodyStart + size);
      responses.add(new Response(status, headers, body));
      at = bodyStart + size;
    }
    if (strict && at < raw.length && responses.size() < expected) {
      throw new AssertionError("the node closed in the middle of a response: "
          + abbreviate(new String(raw, at, raw.length - at, StandardCharsets.ISO_8859_1)));
    }
    return responses;
  }

  private static Map<String, String> headers(String[] lines, String head) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        throw new AssertionError("not a header line: '" + abbreviate(lines[i]) + "' in " + abbreviate(head));
      }
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    return headers;
  }

  /** Where the header block starting at {@code from} ends (its CRLFCRLF), or -1. */
  private static int indexOf(byte[] raw, int from) {
    for (int i = from; i + 3 < raw.length; i++) {
      if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + " chars)" : s;
  }
}

package io.failoverlab.measure;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A plain-text table, as the bench prints one per measurement and the drill one per run: a title (if
 * any), a header, rows, then summary rows (min / median / ...) under a rule, then notes (targets, how
 * it was measured). The first {@code textColumns} columns are left-aligned, the others (numbers)
 * right-aligned. A value that was not measured is "-".
 */
public final class TextTable {

  private final String title;
  private final List<String> header;
  private final int textColumns;
  private final List<List<String>> rows = new ArrayList<>();
  private final List<List<String>> summary = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  /** {@code title} null: no title line. */
  public TextTable(String title, int textColumns, String... header) {
    this.title = title;
    this.textColumns = textColumns;
    this.header = List.of(header);
  }

  public TextTable row(String... cells) {
    rows.add(checked(cells));
    return this;
  }

  public TextTable summaryRow(String... cells) {
    summary.add(checked(cells));
    return this;
  }

  public TextTable note(String line) {
    notes.add(line);
    return this;
  }

  public String title() {
    return title;
  }

  public List<String> header() {
    return header;
  }

  public List<List<String>> rows() {
    return List.copyOf(rows);
  }

  public List<List<String>> summaryRows() {
    return List.copyOf(summary);
  }

  public List<String> notes() {
    return List.copyOf(notes);
  }

  private List<String> checked(String[] cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(title + ": " + cells.length + " cells for " + header.size() + " columns: "
          + Arrays.toString(cells));
    }
    List<String> list = new ArrayList<>();
    for (String cell : cells) {
      list.add(cell == null ? "-" : cell);
    }
    return list;
  }

  public String render() {
    int[] widths = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    all.addAll(summary);
    for (List<String> line : all) {
      for (int c = 0; c < line.size(); c++) {
        widths[c] = Math.max(widths[c], line.get(c).length());
      }
    }
    StringBuilder text = new StringBuilder();
    if (title != null) {
      text.append(title).append('\n');
    }
    line(text, header, widths);
    rule(text, widths);
    rows.forEach(cells -> line(text, cells, widths));
    if (!rows.isEmpty() && !summary.isEmpty()) {
      rule(text, widths);
    }
    summary.forEach(cells -> line(text, cells, widths));
    for (String note : notes) {
      text.append(note).append('\n');
    }
    return text.toString();
  }

  private void line(StringBuilder text, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      if (c > 0) {
        line.append("  ");
      }
      String cell = cells.get(c);
      String pad = " ".repeat(widths[c] - cell.length());
      line.append(c < textColumns ? cell + pad : pad + cell);
    }
    text.append(line.toString().stripTrailing()).append('\n');
  }

  private static void rule(StringBuilder text, int[] widths) {
    int total = 2 * (widths.length - 1);
    for (int width : widths) {
      total += width;
    }
    text.append("-".repeat(total)).append('\n');
  }

  public JsonObject toJson() {
    return new JsonObject().put("title", title).put("header", new JsonArray(header))
        .put("rows", json(rows)).put("summary", json(summary)).put("notes", new JsonArray(notes));
  }

  private static JsonArray json(List<List<String>> lines) {
    JsonArray array = new JsonArray();
    lines.forEach(line -> array.add(new JsonArray(line)));
    return array;
  }

  // ---- cell formatting

  /** Whole milliseconds (rounded), or "-". */
  public static String ms(Number value) {
    return value == null ? "-" : Long.toString(Math.round(value.doubleValue()));
  }

  /** A ratio with two decimals, or "-". */
  public static String ratio(Double value) {
    return value == null || value.isNaN() || value.isInfinite() ? "-" : String.format(Locale.ROOT, "%.2f", value);
  }

  /** One decimal (MB, cores), or "-". */
  public static String oneDecimal(Double value) {
    return value == null || value.isNaN() ? "-" : String.format(Locale.ROOT, "%.1f", value);
  }

  public static String count(Number value) {
    return value == null ? "-" : Long.toString(value.longValue());
  }

  /** {@code a / b}, null when either is missing or b is 0. */
  public static Double divide(Number a, Number b) {
    if (a == null || b == null || b.doubleValue() == 0) {
      return null;
    }
    return a.doubleValue() / b.doubleValue();
  }
}

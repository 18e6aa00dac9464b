package io.failoverlab.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTableTest {

  @Test
  void textColumnsAreLeftAlignedNumbersRightAlignedWithARuleBeforeTheSummary() {
    TextTable table = new TextTable("1. Title", 1, "failover", "writer lag", "ratio")
        .row("1", "-4", "1.00")
        .row("10", "123", "0.99")
        .summaryRow("median", "60", "1.00")
        .note("target: something (met)");

    assertThat(table.render()).isEqualTo("""
        1. Title
        failover  writer lag  ratio
        ---------------------------
        1                 -4   1.00
        10               123   0.99
        ---------------------------
        median            60   1.00
        target: something (met)
        """);
  }

  @Test
  void aMissingCellIsADashAndAWrongCellCountIsABug() {
    TextTable table = new TextTable("t", 1, "a", "b").row("x", null);
    assertThat(table.rows().get(0)).containsExactly("x", "-");
    assertThatThrownBy(() -> table.row("only one")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 cells for 2 columns");
  }

  @Test
  void cellFormatsRoundAndDashWhatIsMissing() {
    assertThat(TextTable.ms(2.5)).isEqualTo("3");
    assertThat(TextTable.ms(-2.5)).isEqualTo("-2");
    assertThat(TextTable.ms(null)).isEqualTo("-");
    assertThat(TextTable.ratio(0.8049)).isEqualTo("0.80");
    assertThat(TextTable.ratio(Double.NaN)).isEqualTo("-");
    assertThat(TextTable.oneDecimal(63.96)).isEqualTo("64.0");
    assertThat(TextTable.divide(3, 0)).isNull();
    assertThat(TextTable.divide(3, 4)).isEqualTo(0.75);
  }

  @Test
  void jsonKeepsEveryPart() {
    TextTable table = new TextTable("t", 1, "a", "b").row("x", "1").summaryRow("median", "1").note("n");
    assertThat(table.toJson().getJsonArray("rows").getJsonArray(0).getString(1)).isEqualTo("1");
    assertThat(table.toJson().getJsonArray("summary").size()).isEqualTo(1);
    assertThat(table.toJson().getJsonArray("notes").getString(0)).isEqualTo("n");
  }
}

package io.failoverlab.common.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlotRangeTest {

  @Test
  void aShardLabelParsesBackIntoTheRangesItWasFormattedFrom() {
    List<SlotRange> ranges = List.of(new SlotRange(0, 100), new SlotRange(5000, 5460), new SlotRange(14664, 14664));
    String label = SlotRange.format(ranges);
    assertThat(label).isEqualTo("0-100,5000-5460,14664");
    assertThat(SlotRange.parseList(label)).isEqualTo(ranges);
    assertThat(SlotRange.parseList(" 0-100, ,14664 ")).containsExactly(new SlotRange(0, 100), new SlotRange(14664, 14664));
    assertThat(SlotRange.parseList("")).isEmpty();
    assertThatThrownBy(() -> SlotRange.parseList("unknown")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SlotRange.parseList("0-16384")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void containsLooksAtEveryRange() {
    List<SlotRange> ranges = SlotRange.parseList("100-200,300-400");
    assertThat(SlotRange.contains(ranges, 100)).isTrue();
    assertThat(SlotRange.contains(ranges, 350)).isTrue();
    assertThat(SlotRange.contains(ranges, 250)).isFalse();
    assertThat(SlotRange.contains(ranges, 401)).isFalse();
    assertThat(SlotRange.contains(List.of(), 0)).isFalse();
  }
}

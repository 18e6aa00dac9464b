package io.failoverlab.drill;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimelineTest {

  @Test
  void theOldestPointsAndMarkersGoFirstAndAreCounted() {
    Timeline timeline = new Timeline(3, 2);
    for (int i = 1; i <= 5; i++) {
      timeline.add(new Timeline.Point("writer", i * 1000L, 1000, i, 0, 0));
      timeline.add(new Timeline.Marker(Timeline.MarkerKind.FAULT, i * 1000L, "n", "fault " + i));
    }
    Timeline.Data data = timeline.data();
    assertThat(data.points()).extracting(Timeline.Point::succeeded).containsExactly(3L, 4L, 5L);
    assertThat(data.markers()).extracting(Timeline.Marker::description).containsExactly("fault 4", "fault 5");
    assertThat(data.droppedPoints()).isEqualTo(2);
    assertThat(data.droppedMarkers()).isEqualTo(3);
  }

  @Test
  void ratesAreNormalisedToTheWindowLength() {
    Timeline.Point point = new Timeline.Point("reader", 0, 500, 100, 10, 0);
    assertThat(point.perSecond(point.succeeded())).isEqualTo(200.0);
    assertThat(point.perSecond(point.failed())).isEqualTo(20.0);
  }

  @Test
  void servicesAreListedWriterFirst() {
    Timeline timeline = new Timeline(10, 10);
    timeline.add(new Timeline.Point("reader", 1, 1000, 1, 0, 0));
    timeline.add(new Timeline.Point("zeta", 1, 1000, 1, 0, 0));
    timeline.add(new Timeline.Point("writer", 1, 1000, 1, 0, 0));
    assertThat(timeline.data().services()).containsExactly("writer", "reader", "zeta");
  }
}

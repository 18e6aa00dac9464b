package io.failoverlab.drill;

import io.failoverlab.common.contract.ChaosAction;
import io.failoverlab.common.contract.ChaosRequest;
import io.failoverlab.common.contract.ClientStats;
import io.failoverlab.common.contract.ServiceName;
import io.failoverlab.common.contract.TopologyEvent;
import io.failoverlab.measure.EventRecorder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * What the report's chart is drawn from: each client's per-second stats and the moments that explain
 * them (fault injected, FAIL, promotion, cluster ok, restart). Bounded: the oldest points and markers
 * go first, counted, so a 1000-failover drill keeps its last hour.
 *
 * <p>Thread-safe: event-bus consumers add from event loops, the drill reads from its own thread.
 */
public final class Timeline {

  /** One hour of one-second stats for two services. */
  public static final int DEFAULT_MAX_POINTS = 2 * 3600;
  public static final int DEFAULT_MAX_MARKERS = 4000;

  /** One second of one client: operations that succeeded and failed (after retries), and command errors (retries included). */
  public record Point(String service, long timestamp, long intervalMs, long succeeded, long failed, long commandErrors) {

    double perSecond(long count) {
      return intervalMs <= 0 ? count : count * 1000.0 / intervalMs;
    }

    JsonObject toJson() {
      return new JsonObject().put("service", service).put("timestamp", timestamp).put("intervalMs", intervalMs)
          .put("succeeded", succeeded).put("failed", failed).put("commandErrors", commandErrors);
    }
  }

  public enum MarkerKind {
    FAULT("fault injected"), NODE_FAIL("FAIL"), PROMOTED("promoted"), CLUSTER_OK("cluster ok"), RESTART("restart");

    private final String label;

    MarkerKind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A moment worth a vertical line: what, when (epoch ms, monitor clock), which node, and the monitor's words. */
  public record Marker(MarkerKind kind, long timestamp, String node, String description) {

    JsonObject toJson() {
      return new JsonObject().put("kind", kind.key()).put("timestamp", timestamp).put("node", node)
          .put("description", description);
    }
  }

  /** An immutable copy, for the report. */
  public record Data(List<Point> points, List<Marker> markers, long droppedPoints, long droppedMarkers) {

    public Data {
      points = List.copyOf(points);
      markers = List.copyOf(markers);
    }

    public static Data empty() {
      return new Data(List.of(), List.of(), 0, 0);
    }

    public List<String> services() {
      return points.stream().map(Point::service).distinct().sorted(Timeline::serviceOrder).toList();
    }

    public JsonObject toJson() {
      JsonArray pointList = new JsonArray();
      points.forEach(point -> pointList.add(point.toJson()));
      JsonArray markerList = new JsonArray();
      markers.forEach(marker -> markerList.add(marker.toJson()));
      return new JsonObject().put("points", pointList).put("markers", markerList)
          .put("droppedPoints", droppedPoints).put("droppedMarkers", droppedMarkers);
    }
  }

  private final int maxPoints;
  private final int maxMarkers;
  private final Deque<Point> points = new ArrayDeque<>();
  private final Deque<Marker> markers = new ArrayDeque<>();
  private long droppedPoints;
  private long droppedMarkers;

  public Timeline(int maxPoints, int maxMarkers) {
    if (maxPoints < 1 || maxMarkers < 1) {
      throw new IllegalArgumentException("capacities must be positive");
    }
    this.maxPoints = maxPoints;
    this.maxMarkers = maxMarkers;
  }

  public synchronized void add(Point point) {
    points.addLast(point);
    while (points.size() > maxPoints) {
      points.removeFirst();
      droppedPoints++;
    }
  }

  public synchronized void add(Marker marker) {
    markers.addLast(marker);
    while (markers.size() > maxMarkers) {
      markers.removeFirst();
      droppedMarkers++;
    }
  }

  /** Feeds this timeline from the event bus: each client's per-second stats, and the moments that explain them. */
  public EventRecorder.Listener feed() {
    return new EventRecorder.Listener() {
      @Override
      public void clientStats(ClientStats stats) {
        long commandErrors = stats.commandErrors().values().stream().mapToLong(Long::longValue).sum();
        add(new Point(stats.service(), stats.timestamp(), stats.intervalMs(), stats.succeeded(), stats.failed(),
            commandErrors));
      }

      @Override
      public void topologyEvent(TopologyEvent event) {
        MarkerKind kind = switch (event.type()) {
          case NODE_FAIL -> MarkerKind.NODE_FAIL;
          case PROMOTED -> MarkerKind.PROMOTED;
          case CLUSTER_STATE_OK, SLOTS_COVERED -> MarkerKind.CLUSTER_OK;
          default -> null;
        };
        if (kind != null) {
          add(new Marker(kind, event.timestamp(), event.node(), event.description()));
        }
      }

      @Override
      public void chaosAction(ChaosAction action) {
        boolean restart = action.action() == ChaosRequest.Action.RESTART;
        add(new Marker(restart ? MarkerKind.RESTART : MarkerKind.FAULT, action.at(), action.node(),
            action.action().label() + " " + action.node() + " (" + action.method() + ", " + action.id() + ")"));
      }
    };
  }

  public synchronized Data data() {
    return new Data(new ArrayList<>(points), new ArrayList<>(markers), droppedPoints, droppedMarkers);
  }

  /** writer before reader, then the rest by name. */
  static int serviceOrder(String a, String b) {
    return Integer.compare(rank(a), rank(b)) != 0 ? Integer.compare(rank(a), rank(b)) : a.compareTo(b);
  }

  private static int rank(String service) {
    if (service.equals(ServiceName.WRITER.label())) {
      return 0;
    }
    return service.equals(ServiceName.READER.label()) ? 1 : 2;
  }
}

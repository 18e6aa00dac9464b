package io.failoverlab.bench;

import io.failoverlab.clients.ClientRun;
import io.failoverlab.common.config.Env;
import io.failoverlab.measure.Await;
import io.failoverlab.measure.EventRecorder;
import io.failoverlab.measure.MeasurementFailure;
import io.failoverlab.stack.Lab;
import io.failoverlab.stack.LabClients;
import io.failoverlab.stack.LabOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One lab with clients under test for a phase: started, an {@link EventRecorder} on its bus, the
 * phase's steps, then, whatever happened, each client's configuration and failure collected and the
 * lab stopped. A step that fails ends the steps; what earlier steps recorded stays with the phase.
 */
final class LabWithClients {

  /** The phase's steps; a {@link MeasurementFailure} (or any runtime exception) ends them. */
  interface Steps {
    void run(Lab lab, EventRecorder events);
  }

  /** How the steps ended: every client's version and settings, those that failed, the error or null. */
  record Ending(Map<String, JsonObject> configurations, Map<String, String> failures, String error) {
  }

  private static final Duration LAB_START = Duration.ofSeconds(240);

  private LabWithClients() {
  }

  static Ending run(LabOptions options, Env env, LabClients clients, Consumer<String> print, Steps steps) {
    Lab lab;
    try {
      lab = Lab.start(options, env, clients).await(LAB_START.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      return new Ending(Map.of(), Map.of(), "the lab did not start: " + MeasurementFailure.messageOf(e));
    }
    Map<String, JsonObject> configurations = new LinkedHashMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    String error = null;
    EventRecorder events = null;
    try {
      events = Await.result(EventRecorder.attach(lab.vertx()), Duration.ofSeconds(10), "listening on the event bus");
      steps.run(lab, events);
    } catch (RuntimeException e) {
      error = e instanceof MeasurementFailure ? e.getMessage() : e.toString();
      print.accept("FAILED: " + error);
    } finally {
      if (lab.clients() != null) {
        for (ClientRun run : lab.clients().runs()) {
          configurations.put(run.label(), new JsonObject().put("version", run.version()).put("settings", run.settings()));
          if (run.failure() != null) {
            failures.put(run.label(), run.failure());
          }
        }
      }
      if (events != null) {
        try {
          events.detach().await(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // The lab is stopping anyway.
        }
      }
      try {
        lab.stop().await(90, TimeUnit.SECONDS);
      } catch (Exception e) {
        print.accept("the lab did not stop cleanly: " + e);
      }
    }
    return new Ending(configurations, failures, error);
  }
}

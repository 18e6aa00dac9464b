package io.failoverlab.lab.reliability;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Collects Vert.x's blocked-thread warnings ("Thread ... has been blocked for ...") from the whole
 * JVM while installed: every reliability scenario must end with none.
 */
final class BlockedThreadWatch extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Logger checker = (Logger) LoggerFactory.getLogger("io.vertx.core.internal.threadchecker.BlockedThreadChecker");

  static BlockedThreadWatch install() {
    BlockedThreadWatch watch = new BlockedThreadWatch();
    watch.setName("blocked-thread-watch");
    watch.start();
    // The checker logs at WARN; make sure that level reaches us whatever logback-test.xml says.
    watch.checker.setLevel(ch.qos.logback.classic.Level.WARN);
    watch.root.addAppender(watch);
    return watch;
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (event.getLoggerName().contains("BlockedThreadChecker") || (message != null && message.contains("has been blocked for"))) {
      warnings.add(event.getLoggerName() + ": " + message);
    }
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}

package dev.streamstate.testing;

import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.localstack.LocalStack;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving tests a real Kafka broker and a real Cassandra node:
 * {@code @ExtendWith(RealServers.class)}, then {@link #kafka()} and {@link #cassandra()}. Both
 * start once per test JVM, in parallel, when the first class that uses them starts, and stop when
 * the JVM ends (surefire runs each class of a fork as a run of its own, so a run's end is no
 * signal); if the test JVM dies instead, they stop by themselves ({@link
 * dev.streamstate.localstack.ParentWatch}).
 */
public final class RealServers implements BeforeAllCallback {
  private static LocalStack stack;

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  /** The broker; only inside a test class extended with {@code RealServers}. */
  public static EmbeddedKafka kafka() {
    return running().kafka();
  }

  /** The Cassandra node; only inside a test class extended with {@code RealServers}. */
  public static EmbeddedCassandra cassandra() {
    return running().cassandra();
  }

  private static synchronized LocalStack running() {
    if (stack == null) {
      throw new IllegalStateException(
          "annotate the test class with @ExtendWith(RealServers.class)");
    }
    return stack;
  }

  private static synchronized void start() {
    if (stack == null) {
      Path dir =
          Path.of("target", "servers", "run-" + ProcessHandle.current().pid()).toAbsolutePath();
      LocalStack started = LocalStack.start(dir);
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "real-servers"));
      stack = started;
    }
  }
}

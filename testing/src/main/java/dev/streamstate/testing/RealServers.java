package dev.streamstate.testing;

import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.localstack.LocalStack;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension giving tests a real Kafka broker and a real Cassandra node: {@code
 * @ExtendWith(RealServers.class)}, then {@link #kafka()} and {@link #cassandra()}. Both start once
 * per test run, in parallel, and stop when the run ends; if the test JVM dies instead, they stop
 * by themselves ({@link dev.streamstate.localstack.ParentWatch}).
 */
public final class RealServers implements BeforeAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealServers.class);

  private static volatile Started started;

  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Started.class, type -> start(), Started.class);
  }

  /** The broker; only inside a test class extended with {@code RealServers}. */
  public static EmbeddedKafka kafka() {
    return running().stack.kafka();
  }

  /** The Cassandra node; only inside a test class extended with {@code RealServers}. */
  public static EmbeddedCassandra cassandra() {
    return running().stack.cassandra();
  }

  private static Started running() {
    if (started == null) {
      throw new IllegalStateException("annotate the test class with @ExtendWith(RealServers.class)");
    }
    return started;
  }

  private static synchronized Started start() {
    Path dir = Path.of("target", "servers", "run-" + ProcessHandle.current().pid()).toAbsolutePath();
    started = new Started(LocalStack.start(dir));
    return started;
  }

  /** Both servers, closed by JUnit when the whole run is over. */
  private static final class Started implements ExtensionContext.Store.CloseableResource {
    final LocalStack stack;

    Started(LocalStack stack) {
      this.stack = stack;
    }

    @Override
    public void close() {
      stack.close();
      started = null;
    }
  }
}

package dev.streamstate.localstack;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Kafka and Cassandra on 127.0.0.1 on the given ports, started in parallel, for the command line:
 * the same servers the tests use, kept until {@link #close()} (or until the JVM that started them
 * ends).
 */
public final class LocalStack implements AutoCloseable {
  private final EmbeddedKafka kafka;
  private final EmbeddedCassandra cassandra;

  private LocalStack(EmbeddedKafka kafka, EmbeddedCassandra cassandra) {
    this.kafka = kafka;
    this.cassandra = cassandra;
  }

  /** Starts both on free ports. */
  public static LocalStack start(Path dir) {
    return start(dir, ServerProcess.freePort(), ServerProcess.freePort());
  }

  /** Starts both; if one fails, stops the other and reports the failure in one line. */
  public static LocalStack start(Path dir, int kafkaPort, int cassandraPort) {
    CompletableFuture<EmbeddedKafka> kafka =
        CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(dir.resolve("kafka"), kafkaPort));
    CompletableFuture<EmbeddedCassandra> cassandra =
        CompletableFuture.supplyAsync(
            () -> EmbeddedCassandra.start(dir.resolve("cassandra"), cassandraPort));
    try {
      return new LocalStack(kafka.join(), cassandra.join());
    } catch (CompletionException e) {
      kafka.thenAccept(EmbeddedKafka::close);
      cassandra.thenAccept(EmbeddedCassandra::close);
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public EmbeddedCassandra cassandra() {
    return cassandra;
  }

  @Override
  public void close() {
    CompletableFuture.allOf(
            CompletableFuture.runAsync(kafka::close), CompletableFuture.runAsync(cassandra::close))
        .join();
  }
}

package dev.streamstate.pipelines.commands;

import dev.streamstate.localstack.LocalStack;
import dev.streamstate.pipelines.FraudPipeline;
import dev.streamstate.pipelines.runtime.Job;
import dev.streamstate.pipelines.runtime.Sources;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The fraud example end to end in one command: Kafka and Cassandra on 127.0.0.1 (free ports, data
 * under {@code target/fraud-demo}), the sample historic averages loaded, the producer writing the
 * ledger and then random transactions to Kafka, and the {@code fraud} pipeline reading them with
 * its history from Cassandra, printing transactions and alerts. Ctrl-C stops everything.
 */
public final class FraudDemoCommand {
  private FraudDemoCommand() {}

  public static void run(FraudPipeline.Options options) throws Exception {
    if (options.getTopic() == null) {
      options.setTopic("transactions");
    }
    Path dir =
        Path.of("target", "fraud-demo", Long.toString(System.currentTimeMillis())).toAbsolutePath();
    System.err.println("streamstate: starting Kafka and Cassandra under " + dir + " ...");
    LocalStack stack = LocalStack.start(dir);
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
    stack.kafka().createTopic(options.getTopic(), 1);
    stack.kafka().createTopic(Job.deadLetterTopic(options), 1);
    options.setCassandraHosts(stack.cassandra().host());
    options.setCreateSchema(true);
    options.setCassandraPort(stack.cassandra().port());
    LocalStackCommand.loadSampleHistory(dir, stack);

    String kafka = stack.kafka().bootstrapServers();
    Thread producer =
        new Thread(
            () -> {
              try {
                TransactionProducer.produce(
                    kafka,
                    Map.of(),
                    options.getTopic(),
                    true,
                    true,
                    new PrintStream(PrintStream.nullOutputStream()));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "transaction-producer");
    producer.setDaemon(true);
    producer.start();
    System.err.println(
        "streamstate: producer writing to "
            + options.getTopic()
            + " on "
            + kafka
            + "; fraud pipeline starting (Ctrl-C stops all) ...");

    options.setSource(Sources.KAFKA.name().toLowerCase());
    options.setBootstrapServers(kafka);
    options.setOffsetReset("earliest");
    Job.run(FraudPipeline.SPEC, options, stack::close);
  }
}

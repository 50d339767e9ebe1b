package dev.streamstate.pipelines.commands;

import dev.streamstate.localstack.LocalStack;
import dev.streamstate.pipelines.HistoricAverages;
import dev.streamstate.pipelines.io.cassandra.CassandraSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The local stack in one command: Kafka and Cassandra on 127.0.0.1, the topics and the schema
 * created, sample historic averages loaded, addresses printed; everything stops on Ctrl-C. Data
 * goes under {@code target/local-stack}.
 */
public final class LocalStackCommand {
  private LocalStackCommand() {}

  /** Options of local-stack. */
  public interface Options extends PipelineOptions {
    @Description("Port of the Kafka broker")
    @Default.Integer(9092)
    int getKafkaPort();

    void setKafkaPort(int kafkaPort);

    @Description("CQL port of the Cassandra node")
    @Default.Integer(9042)
    int getCassandraPort();

    void setCassandraPort(int cassandraPort);

    @Description("Topics to create")
    @Default.String("transactions,transactions-dead-letters,results")
    String getTopics();

    void setTopics(String topics);
  }

  public static void run(Options options) throws IOException, InterruptedException {
    Path dir =
        Path.of("target", "local-stack", Long.toString(System.currentTimeMillis()))
            .toAbsolutePath();
    System.err.println("streamstate: starting Kafka and Cassandra under " + dir + " ...");
    LocalStack stack = LocalStack.start(dir, options.getKafkaPort(), options.getCassandraPort());
    CountDownLatch stopped = stopOnExit("Kafka and Cassandra", stack);
    for (String topic : List.of(options.getTopics().split(","))) {
      stack.kafka().createTopic(topic.trim(), 2);
    }
    loadSampleHistory(dir, stack);

    System.out.println(
        "kafka      " + stack.kafka().bootstrapServers() + "   topics: " + options.getTopics());
    System.out.println(
        "cassandra  "
            + stack.cassandra().host()
            + ":"
            + stack.cassandra().port()
            + "   keyspace: "
            + CassandraSchema.KEYSPACE
            + " (sample history loaded)");
    System.out.println("Ctrl-C stops both.");
    stopped.await();
  }

  /**
   * On Ctrl-C (or any end of this JVM) stops {@code servers}, announcing it as stopping {@code
   * what}; the latch opens once they are stopped, so a command's main thread can wait on it.
   */
  static CountDownLatch stopOnExit(String what, AutoCloseable servers) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.err.println("streamstate: stopping " + what + " ...");
                  try {
                    servers.close();
                  } catch (Exception e) {
                    System.err.println(
                        "streamstate: while stopping " + what + ": " + e.getMessage());
                  }
                  stopped.countDown();
                }));
    return stopped;
  }

  /**
   * Loads the sample historic averages (a copy is left in {@code dir}) into the stack's Cassandra.
   */
  static void loadSampleHistory(Path dir, LocalStack stack) throws IOException {
    HistoryLoader.Options history = PipelineOptionsFactory.as(HistoryLoader.Options.class);
    history.setCassandraHosts(stack.cassandra().host());
    history.setCreateSchema(true);
    history.setCassandraPort(stack.cassandra().port());
    history.setInput(sampleHistory(dir).toString());
    HistoryLoader.run(history);
  }

  private static Path sampleHistory(Path dir) throws IOException {
    Path csv = dir.resolve("sample-history.csv");
    try (InputStream in = HistoricAverages.class.getResourceAsStream(HistoricAverages.SAMPLE)) {
      Files.copy(in, csv, StandardCopyOption.REPLACE_EXISTING);
    }
    return csv;
  }
}

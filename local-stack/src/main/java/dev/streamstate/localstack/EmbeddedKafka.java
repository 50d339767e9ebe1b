package dev.streamstate.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) in its own JVM, bound to
 * 127.0.0.1 on free ports, with its data under the given directory.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private ServerProcess process;

  private EmbeddedKafka(Path dir, int port) {
    this.dir = dir;
    this.port = port;
    this.process = launch(dir, port);
  }

  /** Formats storage and starts a broker on a free port; returns once it accepts connections. */
  public static EmbeddedKafka start(Path dir) {
    return start(dir, ServerProcess.freePort());
  }

  /** Formats storage and starts a broker on {@code port}; returns once it accepts connections. */
  public static EmbeddedKafka start(Path dir, int port) {
    ServerProcess.checkFree("Kafka", port);
    int controllerPort = ServerProcess.freePort();
    Path properties = dir.resolve("server.properties").toAbsolutePath();
    try {
      Files.createDirectories(dir);
      Files.writeString(
          properties,
          String.join(
              "\n",
              "process.roles=broker,controller",
              "node.id=1",
              "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
              "listeners=PLAINTEXT://127.0.0.1:"
                  + port
                  + ",CONTROLLER://127.0.0.1:"
                  + controllerPort,
              "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
              "controller.listener.names=CONTROLLER",
              "inter.broker.listener.name=PLAINTEXT",
              "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
              "log.dirs=" + dir.resolve("data").toAbsolutePath(),
              "num.partitions=1",
              "offsets.topic.replication.factor=1",
              "offsets.topic.num.partitions=1",
              "transaction.state.log.replication.factor=1",
              "transaction.state.log.min.isr=1",
              "group.initial.rebalance.delay.ms=0",
              "auto.create.topics.enable=true",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ServerProcess.runTool(
        "kafka",
        "kafka.tools.StorageTool",
        List.of("format", "-t", Uuid.randomUuid().toString(), "-c", properties.toString()),
        dir);
    return new EmbeddedKafka(dir, port);
  }

  /**
   * Starts the broker of the formatted storage in {@code dir}; returns once it accepts connections.
   */
  private static ServerProcess launch(Path dir, int port) {
    ServerProcess process =
        ServerProcess.start(
            "Kafka",
            "kafka",
            List.of("-Xms256m", "-Xmx512m", "-Djava.net.preferIPv4Stack=true"),
            "kafka.Kafka",
            List.of(dir.resolve("server.properties").toAbsolutePath().toString()),
            dir);
    process.awaitPort(port, READY_WITHIN);
    return process;
  }

  /** Stops the broker (a clean shutdown), as an operator or a failing machine would. */
  public void stop() {
    process.close();
  }

  /**
   * Starts the stopped broker again on the same port with the same data: topics and offsets are
   * kept.
   */
  public void restart() {
    if (process.isAlive()) {
      throw new IllegalStateException("the broker is running; stop it first");
    }
    process = launch(dir, port);
  }

  /** The bootstrap servers clients connect to. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public ServerProcess process() {
    return process;
  }

  /** Creates a topic (if it is not there yet) and waits until it exists. */
  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /**
   * As {@link #createTopic(String, int)}, with topic configs (e.g. {@code cleanup.policy=compact}).
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all()
          .get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(
            "cannot create topic " + name + ": " + e.getCause().getMessage(), e);
      }
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
    }
  }

  /** Writes each value to {@code topic} (no key), waiting until the broker acknowledged it. */
  public void send(String topic, List<String> values) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, value)).get(60, TimeUnit.SECONDS);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot write to topic " + topic + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("cannot write to topic " + topic + ": " + e, e);
    }
  }

  @Override
  public void close() {
    process.close();
  }
}

package dev.streamstate.pipelines.commands;

import dev.streamstate.pipelines.io.kafka.KafkaClientOptions;
import dev.streamstate.pipelines.io.kafka.KafkaClients;
import dev.streamstate.pipelines.io.kafka.KafkaTopics;
import dev.streamstate.pipelines.samples.SampleTransactions;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The fraud example's transaction producer: CSV lines {@code id,MM/dd/yyyy,account,amount,
 * description} to a Kafka topic. Without {@code --randomize} it sends a fixed ledger of 100
 * transactions, the i-th after (i+1)·50 ms; with it, random ones with random pauses up to 5 s until
 * stopped. Every send is logged; the producer flushes on exit.
 */
public final class TransactionProducer {
  private TransactionProducer() {}

  /** Options of produce-transactions. */
  public interface Options extends KafkaClientOptions {
    @Description("Kafka brokers, host:port[,host:port…]")
    @Default.String("localhost:9092")
    String getBootstrapServers();

    void setBootstrapServers(String bootstrapServers);

    @Description("Topic to write the transactions to")
    @Default.String("transactions")
    String getTopic();

    void setTopic(String topic);

    @Description("Random transactions with random pauses, until stopped, instead of the fixed 100")
    @Default.Boolean(false)
    boolean getRandomize();

    void setRandomize(boolean randomize);
  }

  /** Sends the ledger (or random transactions until stopped). */
  public static void run(Options options) throws InterruptedException {
    Map<String, Object> clientConfig = KafkaClients.config(options);
    KafkaTopics.checkReachable(options.getBootstrapServers(), clientConfig);
    produce(
        options.getBootstrapServers(),
        clientConfig,
        options.getTopic(),
        !options.getRandomize(),
        options.getRandomize(),
        System.out);
  }

  /**
   * Sends the fixed ledger if {@code ledger}, then random transactions until interrupted if {@code
   * random}; flushes before returning. Each send is logged to {@code sent}, each failed one to
   * stderr.
   */
  static void produce(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      String topic,
      boolean ledger,
      boolean random,
      PrintStream sent)
      throws InterruptedException {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      long id = 1;
      if (ledger) {
        List<String> lines = SampleTransactions.ledger();
        for (int step = 0; step < lines.size(); step++, id++) {
          send(producer, topic, lines.get(step), sent);
          Thread.sleep((step + 1) * 50L);
        }
        producer.flush();
      }
      Random pick = new Random();
      for (; random; id++) {
        send(
            producer,
            topic,
            SampleTransactions.csv(
                id,
                LocalDate.now(),
                SampleTransactions.ACCOUNTS.get(pick.nextInt(SampleTransactions.ACCOUNTS.size())),
                SampleTransactions.AMOUNTS.get(pick.nextInt(SampleTransactions.AMOUNTS.size())),
                SampleTransactions.DESCRIPTIONS.get(
                    pick.nextInt(SampleTransactions.DESCRIPTIONS.size()))),
            sent);
        Thread.sleep(pick.nextInt(5_000));
      }
      producer.flush();
    }
  }

  private static void send(
      KafkaProducer<String, String> producer, String topic, String line, PrintStream sent) {
    producer.send(
        new ProducerRecord<>(topic, line),
        (metadata, error) -> {
          if (error == null) {
            sent.println(
                "sent to "
                    + metadata.topic()
                    + "-"
                    + metadata.partition()
                    + "@"
                    + metadata.offset()
                    + ": "
                    + line);
          } else {
            System.err.println("NOT sent (" + error.getMessage() + "): " + line);
          }
        });
  }
}

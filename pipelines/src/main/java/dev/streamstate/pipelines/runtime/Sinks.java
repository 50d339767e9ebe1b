package dev.streamstate.pipelines.runtime;

import dev.streamstate.pipelines.io.cassandra.CassandraEndpoint;
import dev.streamstate.pipelines.io.cassandra.CassandraSchema;
import dev.streamstate.pipelines.io.cassandra.CassandraUpserts;
import dev.streamstate.pipelines.io.kafka.KafkaClients;
import dev.streamstate.pipelines.io.kafka.KafkaTopics;
import dev.streamstate.pipelines.io.kafka.ResultKeys;
import dev.streamstate.pipelines.options.Choices;
import dev.streamstate.pipelines.options.Seconds;
import dev.streamstate.pipelines.options.StreamStateOptions;
import java.io.PrintStream;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Duration;

/** Where JSON lines go, chosen by {@code --sink}: one implementation for every pipeline. */
public enum Sinks {
  /** One JSON object a line on stdout, as results are produced. */
  CONSOLE {
    @Override
    public void check(StreamStateOptions options) {}

    @Override
    public void write(
        PCollection<String> lines, StreamStateOptions options, boolean endless, ResultKeys keys) {
      lines.apply("Print", ParDo.of(new PrintFn(false)));
    }
  },

  /**
   * JSON lines in files starting with the path: one file {@code PATH} for an input that ends (a
   * replay, in batch or as a stream); for an endless stream, a new {@code PATH-…} file every few
   * seconds with what arrived meanwhile.
   */
  FILE {
    @Override
    public void check(StreamStateOptions options) {
      if (options.getOutput() == null || options.getOutput().isBlank()) {
        throw new IllegalArgumentException("--sink=file needs --output=PATH");
      }
    }

    @Override
    public void write(
        PCollection<String> lines, StreamStateOptions options, boolean endless, ResultKeys keys) {
      writeFiles("WriteToFiles", lines, options.getOutput(), endless);
    }
  },

  /**
   * One Kafka message a result, its value the JSON line and its key the result's identity (see
   * {@link ResultKeys}).
   */
  KAFKA {
    @Override
    public void check(StreamStateOptions options) {
      if (options.getOutputTopic() == null || options.getOutputTopic().isBlank()) {
        throw new IllegalArgumentException("--sink=kafka needs --outputTopic=TOPIC");
      }
      KafkaTopics.checkReachable(options.getBootstrapServers(), KafkaClients.config(options));
    }

    @Override
    public void write(
        PCollection<String> lines, StreamStateOptions options, boolean endless, ResultKeys keys) {
      writeKafka("WriteToKafka", lines, options, options.getOutputTopic(), keys);
    }
  },

  /**
   * One row a result in {@code finances.<--cassandraTable>}, upserted by the table's key (the
   * result's identity, e.g. a session's id and start); see {@link CassandraUpserts}.
   */
  CASSANDRA {
    @Override
    public void check(StreamStateOptions options) {
      if (options.getCassandraTable() == null || options.getCassandraTable().isBlank()) {
        throw new IllegalArgumentException("--sink=cassandra needs --cassandraTable=TABLE");
      }
      CassandraSchema.ready(options);
    }

    @Override
    public void write(
        PCollection<String> lines, StreamStateOptions options, boolean endless, ResultKeys keys) {
      String table = options.getCassandraTable();
      lines.apply(
          "WriteToCassandra",
          CassandraUpserts.into(
              CassandraEndpoint.of(options),
              CassandraSchema.KEYSPACE,
              options.getCassandraTable(),
              Seconds.positive("cassandraRetrySeconds", options.getCassandraRetrySeconds())));
    }
  };

  /**
   * Writes JSON lines to a Kafka topic, one message a line keyed by {@code keys} (also used for
   * dead letters), with the inline client properties and, read where each producer is made, the
   * file's.
   */
  static void writeKafka(
      String name,
      PCollection<String> lines,
      StreamStateOptions options,
      String topic,
      ResultKeys keys) {
    lines
        .apply(name + "Keyed", WithKeys.of(keys))
        .setCoder(KvCoder.of(NullableCoder.of(StringUtf8Coder.of()), StringUtf8Coder.of()))
        .apply(
            name,
            KafkaIO.<String, String>write()
                .withBootstrapServers(options.getBootstrapServers())
                .withTopic(topic)
                .withKeySerializer(StringSerializer.class)
                .withValueSerializer(StringSerializer.class)
                .withProducerConfigUpdates(KafkaClients.inline(options.getKafkaProperties()))
                .withProducerFactoryFn(KafkaClients.producers(options.getKafkaPropertiesFile())));
  }

  /**
   * Writes the lines to files starting with {@code path} as {@link #FILE} says, as step {@code
   * name}.
   */
  static void writeFiles(String name, PCollection<String> lines, String path, boolean endless) {
    lines.apply(
        name,
        PTransform.compose(
            (PCollection<String> in) -> {
              writeFiles(in, path, endless);
              return PDone.in(in.getPipeline());
            }));
  }

  private static void writeFiles(PCollection<String> lines, String path, boolean endless) {
    if (endless) {
      lines
          .apply(
              "EveryFewSeconds",
              Window.<String>into(new GlobalWindows())
                  .triggering(
                      Repeatedly.forever(
                          AfterProcessingTime.pastFirstElementInPane().plusDelayOf(FLUSH_EVERY)))
                  .withAllowedLateness(Duration.ZERO)
                  .discardingFiredPanes())
          .apply("Write", TextIO.write().to(path).withWindowedWrites().withNumShards(1));
      return;
    }
    PCollection<String> all =
        lines.apply(
            "AllAtEnd",
            Window.<String>into(new GlobalWindows())
                // Beam refuses the default trigger on a stream in the global window: this is it.
                .triggering(AfterWatermark.pastEndOfWindow())
                .withAllowedLateness(Duration.ZERO)
                .discardingFiredPanes());
    // A stream that ends (a replay read as a stream) needs a windowed write: its one pane, when
    // the watermark reaches the end, goes to the same single file a batch run writes.
    all.apply(
        "Write",
        lines.isBounded() == PCollection.IsBounded.BOUNDED
            ? TextIO.write().to(path).withoutSharding()
            : TextIO.write()
                .to(path)
                .withWindowedWrites()
                .withNumShards(1)
                .withShardNameTemplate(""));
  }

  private static final Duration FLUSH_EVERY = Duration.standardSeconds(5);

  /** Fails fast, with what to fix, when the sink's options cannot work. */
  public abstract void check(StreamStateOptions options);

  /** Writes the results; {@code keys} names each result where the sink keys them (Kafka). */
  public abstract void write(
      PCollection<String> lines, StreamStateOptions options, boolean endless, ResultKeys keys);

  /** The sink {@code --sink} names. */
  static Sinks named(String name) {
    return Choices.named(values(), "sink", name);
  }

  /** Prints dead letters to stderr, where they cannot be mistaken for results. */
  public static ParDo.SingleOutput<String, Void> stderr() {
    return ParDo.of(new PrintFn(true));
  }

  private static final class PrintFn extends DoFn<String, Void> {
    private final boolean stderr;

    PrintFn(boolean stderr) {
      this.stderr = stderr;
    }

    @ProcessElement
    public void process(@Element String line) {
      PrintStream out = stderr ? System.err : System.out;
      out.println(stderr ? "dead letter: " + line : line);
    }
  }
}

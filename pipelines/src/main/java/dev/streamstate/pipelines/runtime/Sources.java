package dev.streamstate.pipelines.runtime;

import dev.streamstate.pipelines.io.file.Lines;
import dev.streamstate.pipelines.io.file.ReplayFileSource;
import dev.streamstate.pipelines.io.kafka.KafkaClients;
import dev.streamstate.pipelines.io.kafka.KafkaStartOffsets;
import dev.streamstate.pipelines.io.kafka.KafkaTopics;
import dev.streamstate.pipelines.io.socket.SocketSource;
import dev.streamstate.pipelines.options.Choices;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.samples.Generators.Generator;
import dev.streamstate.runners.Checkpoints;
import dev.streamstate.transforms.common.DeadLetter;
import dev.streamstate.transforms.common.ReplayLines;
import dev.streamstate.transforms.common.Utf8;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.joda.time.Duration;

/** The sources every pipeline can read, chosen by {@code --source}: one implementation for all. */
public enum Sources {
  /**
   * A replay file: event time from each line. The pipeline ends at the end of the file: in batch,
   * or with {@code --streaming=true} as a stream whose watermark follows the file.
   */
  FILE(true) {
    @Override
    public void check(StreamStateOptions options, Stream stream) {
      String input = stream.input();
      if (input == null || input.isBlank()) {
        throw new IllegalArgumentException(
            "--source=file needs --" + stream.inputOption() + "=PATH (a replay file)");
      }
      try {
        if (FileSystems.match(input, EmptyMatchTreatment.ALLOW).metadata().isEmpty()) {
          throw new IllegalArgumentException(
              "--" + stream.inputOption() + "=" + input + " matches no file");
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--" + stream.inputOption() + "=" + input + " cannot be read: " + e.getMessage());
      }
    }

    @Override
    public PCollectionTuple read(
        Pipeline pipeline, StreamStateOptions options, Stream stream, Generator generator) {
      PCollection<byte[]> lines =
          streaming(options)
              ? pipeline.apply("ReadReplayStream", Read.from(new ReplayFileSource(stream.input())))
              : pipeline
                  .apply("MatchReplayFiles", FileIO.match().filepattern(stream.input()))
                  .apply("OpenReplayFiles", FileIO.readMatches())
                  .apply("ReadLines", ParDo.of(new ReadLinesFn()));
      WithFailures.Result<PCollection<String>, DeadLetter> text =
          lines.setCoder(ByteArrayCoder.of()).apply("DecodeUtf8", Utf8.decode());
      WithFailures.Result<PCollection<String>, DeadLetter> payloads =
          text.output().apply("ParseReplayLines", ReplayLines.parse());
      return Outputs.of(
          payloads.output(),
          PCollectionList.of(text.failures())
              .and(payloads.failures())
              .apply("AllUnreadable", Flatten.pCollections()));
    }
  },

  /** Lines from a TCP server, stamped on arrival. */
  SOCKET(false) {
    @Override
    public void check(StreamStateOptions options, Stream stream) {
      SocketSource.checkReachable(options.getHost(), options.getPort());
    }

    @Override
    public PCollectionTuple read(
        Pipeline pipeline, StreamStateOptions options, Stream stream, Generator generator) {
      return Outputs.of(
          pipeline
              .apply(
                  "ReadSocket", Read.from(new SocketSource(options.getHost(), options.getPort())))
              .apply("DecodeUtf8", Utf8.decode()));
    }
  },

  /**
   * Message values from a Kafka topic; the message timestamp is the event time, and offsets are
   * committed as micro-batches finish, so a restarted job goes on where it stopped.
   */
  KAFKA(false) {
    @Override
    public void check(StreamStateOptions options, Stream stream) {
      if (stream.topic() == null || stream.topic().isBlank()) {
        throw new IllegalArgumentException(
            "--source=kafka needs --" + stream.topicOption() + "=TOPIC");
      }
      if (!List.of("earliest", "latest").contains(options.getOffsetReset())) {
        throw new IllegalArgumentException(
            "--offsetReset must be earliest or latest; got '" + options.getOffsetReset() + "'");
      }
      KafkaTopics.checkReachable(options.getBootstrapServers(), KafkaClients.config(options));
    }

    @Override
    public PCollectionTuple read(
        Pipeline pipeline, StreamStateOptions options, Stream stream, Generator generator) {
      Map<String, Object> consumer = consumerConfig(options);
      return Outputs.of(
          pipeline
              .apply(
                  "ReadKafka",
                  KafkaIO.<byte[], byte[]>read()
                      .withBootstrapServers(options.getBootstrapServers())
                      .withTopic(stream.topic())
                      .withKeyDeserializer(ByteArrayDeserializer.class)
                      .withValueDeserializer(ByteArrayDeserializer.class)
                      .withConsumerConfigUpdates(consumer)
                      .withConsumerFactoryFn(consumers(options, stream.topic(), consumer))
                      .withCreateTime(Duration.ZERO)
                      .commitOffsetsInFinalize()
                      .withoutMetadata())
              .apply("MessageValues", Values.create())
              .setCoder(ByteArrayCoder.of())
              .apply("DecodeUtf8", Utf8.decode()));
    }
  },

  /** Built-in data for the pipeline, stamped with the time it is made. */
  GENERATOR(false) {
    @Override
    public void check(StreamStateOptions options, Stream stream) {
      if (options.getEventsPerSecond() <= 0) {
        throw new IllegalArgumentException(
            "--eventsPerSecond must be positive, got " + options.getEventsPerSecond());
      }
    }

    @Override
    public PCollectionTuple read(
        Pipeline pipeline, StreamStateOptions options, Stream stream, Generator generator) {
      PCollection<String> payloads =
          pipeline
              .apply(
                  "Generate",
                  // Stamped with the time each is made: GenerateSequence's default.
                  GenerateSequence.from(0)
                      .withRate(options.getEventsPerSecond(), Duration.standardSeconds(1)))
              .apply(
                  "MakePayloads",
                  MapElements.into(TypeDescriptors.strings()).via(generator::payload));
      return Outputs.of(payloads); // generated records are always readable
    }
  };

  private final boolean finite;

  Sources(boolean finite) {
    this.finite = finite;
  }

  /** Whether the source ends, and the job with it, or is read until the job is stopped. */
  public boolean finite() {
    return finite;
  }

  /**
   * Whether the job reads it as a stream (micro-batches on Spark): an endless source always, a
   * finite one with {@code --streaming=true}.
   */
  public boolean streaming(PipelineOptions options) {
    return !finite || options.as(StreamingOptions.class).isStreaming();
  }

  /**
   * Which stream of the source a pipeline reads: its replay file or topic, and the options that
   * name them (a join reads a second stream, its right side).
   */
  public record Stream(String inputOption, String input, String topicOption, String topic) {
    /** The stream of --input and --topic. */
    public static Stream main(StreamStateOptions options) {
      return new Stream("input", options.getInput(), "topic", options.getTopic());
    }
  }

  /** Fails fast, with a message saying what to fix, when the options cannot work. */
  public abstract void check(StreamStateOptions options, Stream stream);

  /** The payloads, stamped with event time, and any records that could not be read. */
  public abstract PCollectionTuple read(
      Pipeline pipeline, StreamStateOptions options, Stream stream, Generator generator);

  /** The source {@code --source} names. */
  public static Sources named(String name) {
    return Choices.named(values(), "source", name);
  }

  /**
   * KafkaIO's consumers: with the properties file added where each is made, and, for a job that
   * resumes from a checkpoint, starting where the job first started (see {@link
   * KafkaStartOffsets}).
   */
  private static SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> consumers(
      StreamStateOptions options, String topic, Map<String, Object> consumer) {
    if (!Checkpoints.resumable(options)) {
      return KafkaClients.consumers(options.getKafkaPropertiesFile());
    }
    return KafkaStartOffsets.consumers(
        KafkaStartOffsets.resolve(
            KafkaClients.withFile(
                withBootstrap(consumer, options), options.getKafkaPropertiesFile()),
            topic,
            options.getOffsetReset()),
        options.getKafkaPropertiesFile());
  }

  /** {@code config} with the brokers to ask, for a consumer made here rather than by KafkaIO. */
  private static Map<String, Object> withBootstrap(
      Map<String, Object> config, StreamStateOptions options) {
    Map<String, Object> all = new HashMap<>(config);
    all.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.getBootstrapServers());
    return all;
  }

  /** The consumer's group and start, and the inline client properties (no secrets: checked). */
  private static Map<String, Object> consumerConfig(StreamStateOptions options) {
    Map<String, Object> config = new HashMap<>(KafkaClients.inline(options.getKafkaProperties()));
    config.put(ConsumerConfig.GROUP_ID_CONFIG, options.getConsumerGroup());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, options.getOffsetReset());
    return config;
  }

  /** Reads a file's lines as bytes. */
  private static final class ReadLinesFn extends DoFn<FileIO.ReadableFile, byte[]> {
    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<byte[]> out)
        throws IOException, InterruptedException {
      try (InputStream in = new BufferedInputStream(Channels.newInputStream(file.open()))) {
        Lines.read(in, out::output);
      }
    }
  }
}

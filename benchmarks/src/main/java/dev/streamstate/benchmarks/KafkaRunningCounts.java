package dev.streamstate.benchmarks;

import dev.streamstate.transforms.running.RunningTotals;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.kafka010.ConsumerStrategies;
import org.apache.spark.streaming.kafka010.KafkaUtils;
import org.apache.spark.streaming.kafka010.LocationStrategies;
import org.joda.time.Duration;

/**
 * Running word counts read from a {@link KafkaBacklog} topic at a capped rate, the workload's
 * records a batch at most: ours, {@code running-word-count}'s transform ({@link
 * BeamRunningCounts#count}) after {@code KafkaIO} with {@code --maxRecordsPerBatch}, and native
 * {@code mapWithState} ({@link NativeRunningCounts#count}) after Spark's direct Kafka stream with
 * {@code spark.streaming.kafka.maxRatePerPartition}. Each runs until it has read the whole topic,
 * and reports, beside its counts, how many records each measured batch read.
 */
final class KafkaRunningCounts {
  private KafkaRunningCounts() {}

  /**
   * A run's counts, and the fewest records any of its measured batches read (-1 if none was
   * measured).
   */
  record Read(RunningTally tally, long fewestPerBatch) {}

  /** Our running count on {@code runner}, reading through {@code KafkaIO}. */
  static Contender.Job<Read> beam(
      Class<? extends PipelineRunner<?>> runner, String bootstrapServers) {
    return (workload, settle, batches, checkpoints) -> {
      BatchTimes times = new BatchTimes();
      Pipeline pipeline = SparkJobs.beamPipeline(checkpoints, times, runner);
      // The runner divides the cap among the topic's readers, and reads for a share of the
      // interval only (--readTimePercentage): a batch may read less.
      pipeline
          .getOptions()
          .as(SparkPipelineOptions.class)
          .setMaxRecordsPerBatch((long) workload.eventsPerBatch());
      PCollection<String> lines =
          pipeline
              .apply(
                  "ReadKafka",
                  KafkaIO.<byte[], byte[]>read()
                      .withBootstrapServers(bootstrapServers)
                      .withTopic(KafkaBacklog.topic(workload))
                      .withKeyDeserializer(ByteArrayDeserializer.class)
                      .withValueDeserializer(ByteArrayDeserializer.class)
                      .withConsumerConfigUpdates(KafkaBacklog.consumer(bootstrapServers))
                      // Stamped with the records' create time, as the pipelines' Kafka source is:
                      // read time would make our runner keep Beam's read (see
                      // UnboundedReadEvaluator).
                      .withCreateTime(Duration.ZERO)
                      .withoutMetadata())
              .apply("MessageValues", Values.create())
              .setCoder(ByteArrayCoder.of())
              .apply(
                  "DecodeUtf8",
                  MapElements.into(TypeDescriptors.strings()).via((byte[] value) -> utf8(value)));
      return read(
          BeamRunningCounts.count(lines, RunningTotals.perKey(), times, workload, settle, batches));
    };
  }

  /**
   * Native {@code mapWithState}, reading through Spark's direct Kafka stream, without backpressure.
   */
  static Contender.Job<Read> mapWithState(String bootstrapServers) {
    return (workload, settle, batches, checkpoints) -> {
      BatchTimes times = new BatchTimes();
      JavaStreamingContext streaming =
          SparkJobs.nativeContext(
              "native-kafka-map-with-state",
              checkpoints,
              times,
              Map.of(
                  // Records a second per partition: the batch interval is one second.
                  "spark.streaming.kafka.maxRatePerPartition",
                  Long.toString(workload.eventsPerBatch() / KafkaBacklog.PARTITIONS),
                  "spark.streaming.backpressure.enabled",
                  "false"));
      Map<String, Object> consumer = KafkaBacklog.consumer(bootstrapServers);
      consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      JavaDStream<String> lines =
          KafkaUtils.createDirectStream(
                  streaming,
                  LocationStrategies.PreferConsistent(),
                  ConsumerStrategies.<byte[], byte[]>Subscribe(
                      List.of(KafkaBacklog.topic(workload)), consumer))
              .map(record -> utf8(record.value()));
      return read(
          NativeRunningCounts.count(
              NativeRunningCounts.Kind.MAP_WITH_STATE,
              streaming,
              WorkloadStream.wordOnes(lines),
              times,
              workload,
              settle,
              batches));
    };
  }

  private static String utf8(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }

  /** The run's figures with its counts and the fewest records a measured batch read. */
  private static Measured<Read> read(Measured<RunningTally> counted) {
    long fewest = counted.batches().stream().mapToLong(BatchTimes.Batch::records).min().orElse(-1);
    return new Measured<>(
        counted.batches(), counted.finish(), new Read(counted.computed(), fewest));
  }
}

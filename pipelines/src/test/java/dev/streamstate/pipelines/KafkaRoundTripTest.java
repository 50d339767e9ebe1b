package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.pipelines.io.kafka.ResultKeys;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.runtime.Outputs;
import dev.streamstate.pipelines.runtime.Sinks;
import dev.streamstate.pipelines.runtime.Sources;
import dev.streamstate.pipelines.samples.SampleTransactions;
import dev.streamstate.runners.SparkStreaming;
import dev.streamstate.testing.JobsOutsideBatches;
import dev.streamstate.testing.RealServers;
import dev.streamstate.testing.StreamingRuns;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kafka source and sink against a real broker: the 100 transactions of the producer's ledger go
 * in, through a streaming pipeline on each runner, and come out once each — none lost, none
 * duplicated. On our runner, making a batch runs no Spark job.
 */
@ExtendWith(RealServers.class)
class KafkaRoundTripTest {

  @ParameterizedTest
  @ValueSource(strings = {"DirectRunner", "SparkRunner", "StreamStateSparkRunner"})
  void everyTransactionComesThroughOnce(String runner) throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    String in = "transactions-" + runner;
    String out = "echo-" + runner;
    kafka.createTopic(in, 2);
    kafka.createTopic(out, 1);
    List<String> ledger = SampleTransactions.ledger();
    kafka.send(in, ledger);

    StreamStateOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=" + runner,
                "--source=kafka",
                "--bootstrapServers=" + kafka.bootstrapServers(),
                "--topic=" + in,
                "--offsetReset=earliest",
                "--consumerGroup=round-trip-" + runner,
                "--sink=kafka",
                "--outputTopic=" + out)
            .as(StreamStateOptions.class);
    options.as(DirectOptions.class).setBlockOnRun(false);
    options.as(SparkPipelineOptions.class).setSparkMaster("local[2]");
    // As a job does: micro-batches on Spark, clear of the run before in this JVM (whose source
    // reader the runner would otherwise hand to this run's source of the same number).
    SparkStreaming.configure(options, org.joda.time.Duration.millis(500), true);
    Sources.KAFKA.check(options, Sources.Stream.main(options));
    Sinks.KAFKA.check(options);
    Pipeline pipeline = Pipeline.create(options);
    Sinks.KAFKA.write(
        Sources.KAFKA.read(pipeline, options, Sources.Stream.main(options), null).get(Outputs.MAIN),
        options,
        true,
        ResultKeys.NONE);

    List<String> echoed = new ArrayList<>();
    List<String> jobsOutsideBatches =
        JobsOutsideBatches.during(
            () -> {
              PipelineResult result = pipeline.run();
              try {
                echoed.addAll(
                    TopicReader.values(
                        TopicReader.read(kafka, out, ledger.size(), Duration.ofSeconds(120))));
              } finally {
                stop(result);
              }
            });
    assertEquals(ledger.stream().sorted().toList(), echoed.stream().sorted().toList());
    if (runner.equals("StreamStateSparkRunner")) {
      // Our read reports each batch from a job of the batch: a job run while a batch is made would
      // hold up the making of batches and the checkpoints (see ReadReport). Beam's read counts
      // its records there, so its runner is not held to this.
      assertEquals(List.of(), jobsOutsideBatches, "Spark jobs run while batches were made");
    }
  }

  private static void stop(PipelineResult result) throws IOException {
    try {
      StreamingRuns.cancel(result);
    } catch (UnsupportedOperationException e) {
      // already finished
    }
  }
}

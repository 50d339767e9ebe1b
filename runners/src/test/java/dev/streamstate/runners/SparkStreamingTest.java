package dev.streamstate.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.spark.SparkConf;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

class SparkStreamingTest {

  @Test
  void anUnboundedSparkJobStreamsInMicroBatchesOfTheBatchInterval() {
    SparkPipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=SparkRunner").as(SparkPipelineOptions.class);
    SparkStreaming.configure(options, Duration.standardSeconds(2), true);
    assertEquals(SparkRunner.class, options.getRunner());
    assertTrue(options.isStreaming());
    assertEquals(2_000L, options.getBatchIntervalMillis());
  }

  @Test
  void aStreamReadsForLongEnoughThatANewKafkaReaderGetsItsRecordsUnlessToldOtherwise() {
    SparkPipelineOptions defaults =
        PipelineOptionsFactory.fromArgs("--runner=SparkRunner").as(SparkPipelineOptions.class);
    SparkStreaming.configure(defaults, Duration.standardSeconds(1), true);
    assertEquals(0.4, defaults.getReadTimePercentage());

    SparkPipelineOptions told =
        PipelineOptionsFactory.fromArgs("--runner=SparkRunner", "--readTimePercentage=0.75")
            .as(SparkPipelineOptions.class);
    SparkStreaming.configure(told, Duration.standardSeconds(1), true);
    assertEquals(0.75, told.getReadTimePercentage());
  }

  @Test
  void aJobThatResumesFromItsCheckpointCheckpointsEveryBatchUnlessToldOtherwise() {
    SparkPipelineOptions resumable =
        PipelineOptionsFactory.fromArgs("--runner=SparkRunner", "--checkpointDir=/tmp/some-job")
            .as(SparkPipelineOptions.class);
    SparkStreaming.configure(resumable, Duration.standardSeconds(2), true);
    assertEquals(2_000L, resumable.getCheckpointDurationMillis());

    SparkPipelineOptions told =
        PipelineOptionsFactory.fromArgs(
                "--runner=SparkRunner",
                "--checkpointDir=/tmp/some-job",
                "--checkpointDurationMillis=10000")
            .as(SparkPipelineOptions.class);
    SparkStreaming.configure(told, Duration.standardSeconds(2), true);
    assertEquals(10_000L, told.getCheckpointDurationMillis());

    SparkPipelineOptions throwaway =
        PipelineOptionsFactory.fromArgs("--runner=SparkRunner").as(SparkPipelineOptions.class);
    SparkStreaming.configure(throwaway, Duration.standardSeconds(2), true);
    assertEquals(-1L, throwaway.getCheckpointDurationMillis());
  }

  @Test
  void broadcastBlocksStayUnderHalfTheSmallestG1RegionUnlessToldOtherwise() {
    String key = "spark.broadcast.blockSize";
    String before = System.getProperty(key);
    try {
      System.clearProperty(key);
      SparkStreaming.configure(
          PipelineOptionsFactory.fromArgs("--runner=SparkRunner").as(SparkPipelineOptions.class),
          Duration.standardSeconds(1),
          true);
      // G1's regions are 1 MB or more; an array of half a region or more is humongous. 4m: Spark's
      // default.
      long kb = new SparkConf().getSizeAsKb(key, "4m");
      assertTrue(kb < 512, kb + " KB");

      System.setProperty(key, "4m");
      SparkStreaming.configure(
          PipelineOptionsFactory.fromArgs("--runner=SparkRunner").as(SparkPipelineOptions.class),
          Duration.standardSeconds(1),
          true);
      assertEquals("4m", new SparkConf().get(key));
    } finally {
      if (before == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, before);
      }
    }
  }

  @Test
  void ourRunnerIsTheSparkRunnerToo() {
    SparkPipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=StreamStateSparkRunner")
            .as(SparkPipelineOptions.class);
    SparkStreaming.configure(options, Duration.standardSeconds(2), true);
    assertTrue(SparkStreaming.isSpark(options));
    assertEquals(2_000L, options.getBatchIntervalMillis());
  }

  @Test
  void aBoundedSparkJobRunsAsABatch() {
    SparkPipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=SparkRunner").as(SparkPipelineOptions.class);
    SparkStreaming.configure(options, Duration.standardSeconds(1), false);
    assertFalse(options.isStreaming());
  }

  @Test
  void otherRunnersAreLeftAsTheyAre() {
    StreamingOptions options = PipelineOptionsFactory.create().as(StreamingOptions.class);
    options.setRunner(DirectRunner.class);
    SparkStreaming.configure(options, Duration.standardSeconds(1), true);
    assertFalse(options.isStreaming());
  }
}

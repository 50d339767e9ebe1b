package dev.streamstate.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
  @TempDir Path dir;

  private SparkPipelineOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(SparkPipelineOptions.class);
  }

  @Test
  void withoutACheckpointDirTheRunnersPerJobDirectoryIsNotClaimed() {
    SparkPipelineOptions options = options("--runner=SparkRunner");
    assertFalse(Checkpoints.isExplicit(options));
    Checkpoints.claim(options, "running-word-count", Map.of("topic", "lines"));
    assertFalse(Files.exists(Path.of(options.getCheckpointDir(), Checkpoints.IDENTITY_FILE)));
  }

  @Test
  void theSameJobResumesAndAChangedOneIsRefusedNamingWhatChanged() throws IOException {
    SparkPipelineOptions options = options("--checkpointDir=" + dir);
    assertTrue(Checkpoints.isExplicit(options));
    Checkpoints.claim(
        options, "running-word-count", Map.of("topic", "lines", "idleTimeoutSeconds", "60"));
    assertTrue(
        Files.readString(dir.resolve(Checkpoints.IDENTITY_FILE)).contains("idleTimeoutSeconds=60"));

    Checkpoints.claim(
        options, "running-word-count", Map.of("idleTimeoutSeconds", "60", "topic", "lines"));

    IllegalArgumentException changed =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Checkpoints.claim(
                    options,
                    "running-word-count",
                    Map.of("topic", "lines", "idleTimeoutSeconds", "30")));
    assertEquals(
        "--checkpointDir="
            + dir
            + " holds the checkpoint of another job (--idleTimeoutSeconds was '60', now"
            + " '30'); Spark would resume that job as it was, so a changed pipeline needs a new"
            + " --checkpointDir (or run it with the same options)",
        changed.getMessage());
    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Checkpoints.claim(
                    options, "sessions", Map.of("topic", "lines", "idleTimeoutSeconds", "60")));
    assertTrue(
        other.getMessage().contains("pipeline running-word-count, now sessions"),
        other.getMessage());
  }

  @Test
  void aSparkCheckpointWrittenWithoutUsIsRefused() throws IOException {
    Files.createDirectories(dir.resolve("spark-checkpoint"));
    Files.writeString(dir.resolve("spark-checkpoint").resolve("checkpoint-1000"), "x");
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> Checkpoints.claim(options("--checkpointDir=" + dir), "fraud", Map.of()));
    assertTrue(
        unknown.getMessage().endsWith("holds a checkpoint of an unknown job: use a new directory"));
  }

  @Test
  void aCheckpointSparkCannotReadBackIsExplainedInOneLine() {
    SparkPipelineOptions options = options("--checkpointDir=" + dir);
    RuntimeException failure =
        new RuntimeException(
            new SparkException(
                "Failed to read checkpoint from directory " + dir,
                new java.io.InvalidClassException(
                    "dev.streamstate.transforms.running.RunningTotals; local class incompatible")));
    String line = Checkpoints.unreadable(options, failure);
    assertEquals(
        "--checkpointDir="
            + dir
            + " holds a checkpoint this build cannot read (InvalidClassException:"
            + " dev.streamstate.transforms.running.RunningTotals; local class incompatible): it was written by another"
            + " version of the pipeline; use a new --checkpointDir",
        line);
    assertEquals(null, Checkpoints.unreadable(options, new RuntimeException("Kafka is down")));
  }
}

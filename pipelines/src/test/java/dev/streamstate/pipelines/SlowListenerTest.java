package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamstate.pipelines.cli.StreamState;
import dev.streamstate.pipelines.runtime.Job;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.runners.spark.SparkContextOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.spark.streaming.api.java.JavaStreamingListener;
import org.apache.spark.streaming.api.java.JavaStreamingListenerBatchSubmitted;
import org.apache.spark.streaming.api.java.JavaStreamingListenerOutputOperationCompleted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beam's Spark runner advances its watermarks in a streaming listener, which Spark calls on its own
 * thread after a batch completes. A listener that is slow once, as the batch holding a replay's
 * records completes, lets the next batches start before the runner's watermarks have moved: without
 * a barrier, best-seller's sum fired its windows in a batch whose best-of step read the newer
 * watermark, which dropped them as late, and the job ended with no results and no error.
 */
class SlowListenerTest {
  @TempDir Path dir;

  @Test
  void aListenerSlowWhenTheRecordsArriveLosesNoWindowOnBeamsRunner() throws IOException {
    Path input = dir.resolve("sales.tsv");
    Files.write(
        input,
        List.of(
            "2026-01-01T00:00:01.000Z\tbook,1",
            "2026-01-01T00:00:00.000Z\tpen,3",
            "2026-01-01T00:00:00.500Z\tbook,2"));
    Path output = dir.resolve("best.jsonl");
    String[] args = {
      "--source=file",
      "--input=" + input,
      "--sink=file",
      "--output=" + output,
      "--runner=SparkRunner",
      "--streaming=true",
      "--sparkMaster=local[2]",
      "--windowSeconds=4",
      "--slideSeconds=2"
    };
    BestSellerPipeline.Options options =
        PipelineOptionsFactory.fromArgs(
                StreamState.withDefaults(args, BestSellerPipeline.SPEC.defaults()))
            .withValidation()
            .as(BestSellerPipeline.Options.class);
    SlowOnceAtTheRecords slow = new SlowOnceAtTheRecords();
    options.as(SparkContextOptions.class).setListeners(List.of(slow));

    Job.run(BestSellerPipeline.SPEC, options);

    assertTrue(slow.slept, "the listener never saw the batch of records, so it was never slow");
    // All three sales lie in both 4 s windows that hold 00:00:00-00:00:01; book (2 + 1) ties with
    // pen (3), and the tie goes to the first name.
    List<String> results = new ArrayList<>(Files.readAllLines(output));
    Collections.sort(results);
    assertEquals(
        List.of(
            "{\"window_start\":\"2025-12-31T23:59:58.000Z\",\"window_end\":\"2026-01-01T00:00:02.000Z\",\"product\":\"book\",\"quantity\":3}",
            "{\"window_start\":\"2026-01-01T00:00:00.000Z\",\"window_end\":\"2026-01-01T00:00:04.000Z\",\"product\":\"book\",\"quantity\":3}"),
        results);
  }

  /**
   * Takes longer than two batch intervals over the end of the first batch that read records, so the
   * batches after it run before the runner's watermark listener hears that it completed.
   */
  private static final class SlowOnceAtTheRecords extends JavaStreamingListener {
    private volatile long recordsBatch = -1;
    private volatile boolean slept;

    @Override
    public void onBatchSubmitted(JavaStreamingListenerBatchSubmitted submitted) {
      if (recordsBatch < 0 && submitted.batchInfo().numRecords() > 0) {
        recordsBatch = submitted.batchInfo().batchTime().milliseconds();
      }
    }

    @Override
    public void onOutputOperationCompleted(
        JavaStreamingListenerOutputOperationCompleted completed) {
      if (!slept && completed.outputOperationInfo().batchTime().milliseconds() == recordsBatch) {
        slept = true;
        try {
          Thread.sleep(2_500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}

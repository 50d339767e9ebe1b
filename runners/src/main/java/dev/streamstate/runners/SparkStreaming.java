package dev.streamstate.runners;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.runners.spark.SparkRunner;
import org.apache.beam.runners.spark.TestSparkRunner;
import org.apache.beam.runners.spark.io.MicrobatchSource;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder.SparkWatermarks;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.spark.streaming.StreamingContext;
import org.joda.time.Duration;
import scala.Option;

/**
 * Everything our pipelines set for Beam's Spark runner, so that pipelines stay runner-agnostic:
 * streaming mode with micro-batches of the pipeline's batch interval (the DStream batch interval),
 * Spark's metrics (Beam's counters among them) served for Prometheus, and a stop that ends within
 * seconds; a streaming pipeline starts clear of any earlier one's watermarks and source readers in
 * the same JVM, and on a local master every stage of a batch reads the same watermarks ({@link
 * WatermarkBarrier}).
 */
public final class SparkStreaming {
  private static final double RUNNER_READ_TIME = 0.1;
  private static final double READ_TIME = 0.4;
  private static final String GRACEFUL_STOP_TIMEOUT = "spark.streaming.gracefulStopTimeout";
  private static final String PLUGINS = "spark.plugins";

  /**
   * The driver's only: an executor starts its metrics system before it has the job's jar (it could
   * not load the servlet, and has no UI to serve it from).
   */
  private static final String PROMETHEUS_SINK = "spark.metrics.conf.driver.sink.prometheusServlet.";

  private static final String ANY_INSTANCE_SINK = "spark.metrics.conf.*.sink.prometheusServlet.";

  /**
   * Spark settings of every job here, those our runners run and the benchmarks' hand-written ones
   * alike, each where not set otherwise (a {@code -D} system property, spark-submit's {@code
   * --conf}).
   *
   * <p>{@code spark.broadcast.blockSize}: Spark sends every stage's tasks as a broadcast, cut into
   * blocks of this size, each allocated whole before it is filled. At its default of 4 MB each
   * stage of every micro-batch allocated a 4 MB array for a task binary of some kilobytes, an array
   * G1 treats as humongous (half a region or more) on heaps up to 16 GB (regions of 1-8 MB), and
   * humongous allocations start concurrent collections: an idle {@code sessions} job on 1-second
   * batches ran 55-72 of them a minute, with 0.9 of the two cores busy and a median batch of
   * 295-321 ms. At 256 KB, under half the smallest region: 4-5 a minute, 0.6 cores, 199-209 ms.
   */
  public static final Map<String, String> SPARK_SETTINGS =
      Map.of("spark.broadcast.blockSize", "256k");

  /** Where the driver's web UI serves its metrics, Beam's counters among them, for Prometheus. */
  public static final String PROMETHEUS_PATH = "/metrics/prometheus";

  /**
   * How long {@link #stop} lets the batch in hand finish before it cancels what still runs, and how
   * long it then cancels: with the servers a command started stopped after the job, a stop fits in
   * the 15 s a process manager commonly waits before SIGKILL.
   */
  public static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(5);

  public static final java.time.Duration STOP_CANCELLING = java.time.Duration.ofSeconds(2);

  private SparkStreaming() {}

  /**
   * Sets {@link #SPARK_SETTINGS} for the Spark contexts this JVM makes from now on, where not set
   * otherwise: SparkConf reads them from the system properties when a runner makes it.
   */
  public static void useSparkSettings() {
    SPARK_SETTINGS.forEach((key, value) -> System.setProperty(key, System.getProperty(key, value)));
  }

  /** Whether {@code --runner} names Beam's Spark runner or ours (or their test runners). */
  public static boolean isSpark(PipelineOptions options) {
    Class<? extends PipelineRunner<?>> runner = options.getRunner();
    return SparkRunner.class.isAssignableFrom(runner)
        || TestSparkRunner.class.isAssignableFrom(runner)
        || StreamStateSparkRunner.class.isAssignableFrom(runner)
        || TestStreamStateSparkRunner.class.isAssignableFrom(runner);
  }

  /**
   * Whether the runner {@code options} name fires event-time timers in streaming: every runner but
   * Beam's own Spark translation ({@code SparkRunner}, {@code TestSparkRunner}), which refuses them
   * (apache/beam#23129). Ours and the DirectRunner have them.
   */
  public static boolean hasEventTimeTimers(PipelineOptions options) {
    return hasEventTimeTimers(options.getRunner());
  }

  /** Whether {@code runner} fires event-time timers in streaming (see above). */
  public static boolean hasEventTimeTimers(Class<? extends PipelineRunner<?>> runner) {
    return !SparkRunner.class.isAssignableFrom(runner)
        && !TestSparkRunner.class.isAssignableFrom(runner);
  }

  /**
   * Prepares {@code options} for the runner they name: for Spark, streaming micro-batches of {@code
   * batchInterval} when the input is unbounded. Other runners are left as they are.
   */
  public static void configure(PipelineOptions options, Duration batchInterval, boolean unbounded) {
    if (!isSpark(options)) {
      return;
    }
    SparkPipelineOptions spark = options.as(SparkPipelineOptions.class);
    if (spark.getSparkMaster().startsWith("local")) {
      // A local job serves no one else: its driver listens on the loopback address only (Spark
      // otherwise binds the host's address). SparkConf reads these when the runner makes it.
      System.setProperty(
          "spark.driver.bindAddress", System.getProperty("spark.driver.bindAddress", "127.0.0.1"));
      System.setProperty("spark.driver.host", System.getProperty("spark.driver.host", "127.0.0.1"));
    }
    useSparkSettings();
    if (unbounded) {
      // The runner keeps source watermarks in a JVM-wide static keyed by source number: a second
      // streaming pipeline in the same JVM (tests, benchmarks) would start from the first one's
      // watermark and drop its own early events as late.
      GlobalWatermarkHolder.clear();
      // It also keeps source readers in a JVM-wide cache keyed by source number and split only, for
      // 1.5 batch intervals: a pipeline started within that time of another one's end can be handed
      // that pipeline's reader for its own source.
      forgetSourceReaders();
    }
    if (unbounded
        && spark.getSparkMaster().startsWith("local")
        && !StreamStateSparkRunner.isOurs(options)) {
      // Every stage of a batch must read the same watermarks, or a window one GroupByKey fires
      // reaches the next one as late (WatermarkBarrier). Spark makes its plugins from this
      // property.
      System.setProperty(PLUGINS, WatermarkBarrier.withThisPlugin(System.getProperty(PLUGINS)));
      WatermarkBarrier.arm();
    } else {
      WatermarkBarrier.disarm();
    }
    if (unbounded && spark.getReadTimePercentage() == RUNNER_READ_TIME) {
      // The runner reads a batch's records for 10 % of the interval (at least 200 ms), through a
      // reader it keeps for 1.5 intervals. A batch that runs longer (catching up after a restart, a
      // busy machine) loses its readers, and a Kafka reader opened anew had time for about one
      // record: catching up crawled. 40 % leaves a new reader time to fetch, and is spent while the
      // previous batch is processed.
      spark.setReadTimePercentage(READ_TIME);
    }
    if (unbounded
        && Checkpoints.isExplicit(spark)
        && spark.getCheckpointDurationMillis() <= 0
        && !StreamStateSparkRunner.isOurs(options)) {
      // A job that resumes from its checkpoint checkpoints its streams every batch. The runner's
      // source reads each batch for a while rather than up to a recorded offset, so a batch that
      // recovery recomputes from an older checkpoint reads other records than it did: state then
      // counts records whose results were never written. A source stream checkpointed every batch
      // holds each batch's records, so recovery recomputes exactly what ran. Our runner reads Kafka
      // by fixed offset ranges and GenerateSequence by the numbers due, and sets this for its
      // other sources only (UnboundedReadEvaluator).
      spark.setCheckpointDurationMillis(batchInterval.getMillis());
    }
    if (unbounded) {
      // Spark's graceful stop waits up to ten batch intervals for the batch being made; a stop
      // asked by a signal must end sooner than a process manager's patience (see stop()).
      System.setProperty(
          GRACEFUL_STOP_TIMEOUT,
          System.getProperty(
              GRACEFUL_STOP_TIMEOUT,
              Math.min(10 * batchInterval.getMillis(), STOP_GRACE.toMillis() * 3 / 5) + "ms"));
    }
    // Spark's metrics system, with Beam's counters registered in it (--enableSparkMetricSinks,
    // Beam's default), served for Prometheus by the driver's UI unless configured otherwise.
    for (Map.Entry<String, String> sink :
        Map.of("class", BeamPrometheusServlet.class.getName(), "path", PROMETHEUS_PATH)
            .entrySet()) {
      if (System.getProperty(PROMETHEUS_SINK + sink.getKey()) == null
          && System.getProperty(ANY_INSTANCE_SINK + sink.getKey()) == null) {
        System.setProperty(PROMETHEUS_SINK + sink.getKey(), sink.getValue());
      }
    }
    spark.setStreaming(unbounded);
    spark.setBatchIntervalMillis(batchInterval.getMillis());
  }

  /**
   * Stops a Spark stream whose sources end (a replay read as a stream) once it has done all its
   * input can give, gracefully, finishing the batches already made. A stage reads the watermark
   * when a batch is made, so once every source has reported the end of time, the first batch made
   * after that fires every window the end closes, in all stages of the batch, and writes the sinks'
   * last panes; the stream stops when the batch after that one has completed too. Returns early if
   * the job ends otherwise; a failed batch's error is thrown.
   */
  public static void stopAtEndOfInput(PipelineResult result, Duration batchInterval) {
    long batch = batchInterval.getMillis();
    long endSeenAt = 0;
    while (!result.waitUntilFinish(Duration.millis(Math.max(10, batch / 10))).isTerminal()) {
      // Spark's batch times are wall-clock times, on the timer that makes the batches.
      long completed = GlobalWatermarkHolder.getLastWatermarkedBatchTime();
      if (endSeenAt == 0) {
        // Before a batch of this job completes, the holder may answer with an earlier job's.
        if (completed > 0 && allAtEnd(GlobalWatermarkHolder.get(batch))) {
          endSeenAt = System.currentTimeMillis();
        }
      } else if (completed > endSeenAt + batch) {
        try {
          result.cancel();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return;
      }
    }
  }

  /** How {@link #stop} ended a job. */
  public enum Stop {
    /** The batch in hand completed and wrote its sinks; no other was made. */
    GRACEFUL,
    /** Batches still running after the grace were cancelled; the job has stopped. */
    CANCELLED,
    /** The job was still stopping when the time was up (e.g. a batch waiting on a source). */
    UNFINISHED
  }

  /**
   * Stops a streaming job, as Ctrl-C or a process manager's SIGTERM asks, within {@link
   * #STOP_GRACE} and {@link #STOP_CANCELLING}: no batch is made after the one in hand, which
   * completes and writes its sinks (Spark's graceful stop). Batches still running after the grace
   * (a job far behind has many queued, and Spark's graceful stop would run them all) are cancelled
   * as they start; a job with a checkpoint recomputes them when it restarts, as after a crash.
   */
  public static Stop stop(PipelineResult result) throws InterruptedException {
    Thread stopping =
        new Thread(
            () -> {
              try {
                result.cancel();
              } catch (IOException | RuntimeException e) {
                // A batch that failed while the job stopped: the job is stopped all the same.
              }
            },
            "streamstate-stop");
    stopping.setDaemon(true);
    stopping.start();
    stopping.join(STOP_GRACE.toMillis());
    if (!stopping.isAlive()) {
      return Stop.GRACEFUL;
    }
    Option<StreamingContext> active = StreamingContext.getActive();
    long deadline = System.nanoTime() + STOP_CANCELLING.toNanos();
    while (stopping.isAlive() && System.nanoTime() < deadline && active.isDefined()) {
      active.get().sparkContext().cancelAllJobs();
      stopping.join(100);
    }
    return stopping.isAlive() ? Stop.UNFINISHED : Stop.CANCELLED;
  }

  private static boolean allAtEnd(Map<Integer, SparkWatermarks> sources) {
    return !sources.isEmpty()
        && sources.values().stream()
            .allMatch(
                source -> !source.getHighWatermark().isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE));
  }

  private static void forgetSourceReaders() {
    try {
      MicrobatchSource.clearCache();
    } catch (NullPointerException noneYet) {
      // The runner makes its cache with the first reader: nothing to forget in this JVM yet.
    }
  }
}

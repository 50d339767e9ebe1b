package dev.streamstate.runners;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder;
import org.apache.beam.runners.spark.util.GlobalWatermarkHolder.SparkWatermarks;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.spark.streaming.StreamingContext;
import org.apache.spark.streaming.scheduler.BatchInfo;
import org.apache.spark.streaming.scheduler.StreamInputInfo;
import org.apache.spark.streaming.scheduler.StreamingListener;
import org.apache.spark.streaming.scheduler.StreamingListenerBatchCompleted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * One line per completed micro-batch at INFO: what an operator would otherwise read from the Spark
 * UI's streaming tab. Records in, processing time, scheduling delay (one that grows means the job
 * falls behind its input), the sources' watermark, what the batch added to the job's counters
 * (results, dead letters), and, where our runner reads a Kafka topic by offset ranges, the lag: the
 * records the topic held past the batch's ranges when they were fixed.
 *
 * <pre>
 * fraud batch 10:41:05: 120 records in 412 ms (scheduling delay 3 ms), watermark 10:41:04.250, 12 results, 0 dead letters, Kafka lag 0
 * </pre>
 *
 * <p>Quiet with {@code --quiet}, or with this class's logger above INFO.
 */
public final class BatchProgress implements StreamingListener {
  /** The key under which a source's input info carries its lag, in records. */
  public static final String LAG = "streamstate.lag";

  private static final Logger LOG = LoggerFactory.getLogger(BatchProgress.class);

  /**
   * How long {@link #attach} waits for the job's context: a restart's rescheduling can take
   * minutes.
   */
  private static final long ACTIVE_WITHIN_NANOS = TimeUnit.MINUTES.toNanos(10);

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private final String pipeline;
  private final long batchMillis;
  private final Supplier<Map<String, Long>> counters;
  private Map<String, Long> before = Map.of();

  private BatchProgress(String pipeline, long batchMillis, Supplier<Map<String, Long>> counters) {
    this.pipeline = pipeline;
    this.batchMillis = batchMillis;
    this.counters = counters;
  }

  /**
   * Logs where the running job's Spark UI and Prometheus metrics are, and from then on a line per
   * batch; {@code counters} are the job's counters by name, each line saying what the batch added.
   *
   * <p>Once the job's streaming context is active: the runner starts it on a thread of its own, and
   * a job restarted from its checkpoint becomes active only once the batches it missed are
   * scheduled again, which can take a while: those are the batches an operator watches.
   */
  public static void attach(
      String pipeline, long batchMillis, Supplier<Map<String, Long>> counters) {
    Thread waiting =
        new Thread(
            () -> {
              long deadline = System.nanoTime() + ACTIVE_WITHIN_NANOS;
              while (StreamingContext.getActive().isEmpty() && System.nanoTime() < deadline) {
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
              Option<StreamingContext> active = StreamingContext.getActive();
              if (active.isDefined()) {
                attach(active.get(), pipeline, batchMillis, counters);
              }
            },
            pipeline + "-batch-progress");
    waiting.setDaemon(true);
    waiting.start();
  }

  private static void attach(
      StreamingContext active,
      String pipeline,
      long batchMillis,
      Supplier<Map<String, Long>> counters) {
    Option<String> ui = active.sparkContext().uiWebUrl();
    if (ui.isDefined()) {
      LOG.info(
          "{}: Spark UI at {}, metrics for Prometheus at {}{}",
          pipeline,
          ui.get(),
          ui.get(),
          SparkStreaming.PROMETHEUS_PATH);
    }
    if (LOG.isInfoEnabled()) {
      active.addStreamingListener(new BatchProgress(pipeline, batchMillis, counters));
    }
  }

  @Override
  public void onBatchCompleted(StreamingListenerBatchCompleted completed) {
    BatchInfo batch = completed.batchInfo();
    StringBuilder line =
        new StringBuilder(pipeline)
            .append(" batch ")
            .append(TIME.format(Instant.ofEpochMilli(batch.batchTime().milliseconds())))
            .append(": ")
            .append(batch.numRecords())
            .append(" records in ")
            .append(millis(batch.processingDelay()))
            .append(" ms (scheduling delay ")
            .append(millis(batch.schedulingDelay()))
            .append(" ms)");
    watermark().ifPresent(watermark -> line.append(", watermark ").append(watermark));
    Map<String, Long> now = counters.get();
    now.forEach(
        (name, value) ->
            line.append(", ")
                .append(value - before.getOrDefault(name, 0L))
                .append(' ')
                .append(name.replace('_', ' ')));
    before = new HashMap<>(now);
    long lag = -1;
    for (StreamInputInfo input :
        JavaConverters.asJavaCollection(batch.streamIdToInputInfo().values())) {
      Option<Object> inputLag = input.metadata().get(LAG);
      if (inputLag.isDefined()) {
        lag = Math.max(lag, 0) + (Long) inputLag.get();
      }
    }
    if (lag >= 0) {
      line.append(", Kafka lag ").append(lag);
    }
    LOG.info(line.toString());
  }

  private static String millis(Option<Object> delay) {
    return delay.isDefined() ? delay.get().toString() : "?";
  }

  /** The slowest source's watermark, as the runner holds it for the batches to come. */
  private Optional<String> watermark() {
    return GlobalWatermarkHolder.get(batchMillis).values().stream()
        .map(SparkWatermarks::getHighWatermark)
        .min(Comparator.naturalOrder())
        .map(
            watermark ->
                !watermark.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE)
                    ? "none yet"
                    : !watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)
                        ? "end of input"
                        : TIME.format(Instant.ofEpochMilli(watermark.getMillis())));
  }
}

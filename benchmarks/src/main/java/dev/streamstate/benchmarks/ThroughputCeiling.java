package dev.streamstate.benchmarks;

import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.runners.StreamStateSparkRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.beam.runners.spark.SparkRunner;

/**
 * The throughput ceiling: the highest rate of events a second, read from Kafka into running word
 * counts, at which a job keeps up with the one-second batch interval. An embedded broker (started
 * here, stopped at the end) holds a backlog per rate, written before any job runs ({@link
 * KafkaBacklog}: one word a record over N distinct words); each contender reads a rate's backlog
 * capped at the rate a batch ({@link KafkaRunningCounts}) until it has read it all. A rate is
 * sustained when the median processing time of the measured batches is under the interval and every
 * measured batch read at least {@link #READ_SHARE} of the rate: a batch that read far less shows a
 * reader that could not keep up (Beam's reads for a share of the interval only). The counts are
 * checked as in the running-count workloads ({@link RunningCountScaling#check}).
 */
final class ThroughputCeiling {
  static final String WORKLOAD = "throughput";

  /** Of the rate, what a measured batch must have read for the rate to count as sustained. */
  static final double READ_SHARE = 0.9;

  private ThroughputCeiling() {}

  /** Each contender at each of {@code rates} events a second over {@code keys} distinct words. */
  static Results.Table measure(Predicate<String> chosen, List<Long> rates, long keys, int batches)
      throws Exception {
    int settle = RunningCountScaling.SETTLE;
    Map<Long, Workload> backlogs = new LinkedHashMap<>();
    for (long rate : rates) {
      // Two batches to spare, as in the running-count workloads: every measured batch can read the
      // rate.
      backlogs.put(rate, Workload.steady(keys, Math.toIntExact(rate), settle + batches + 2));
    }
    Path dir = Files.createTempDirectory("throughput-kafka");
    List<Results.Row> rows = new ArrayList<>();
    Map<String, Long> fewestPerBatch = new HashMap<>();
    Map<Results.Row, String> shortfalls = new LinkedHashMap<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      for (Workload backlog : backlogs.values()) {
        KafkaBacklog.write(kafka, backlog);
      }
      Contest<KafkaRunningCounts.Read> contest =
          new Contest<>(
              WORKLOAD,
              contenders(kafka.bootstrapServers(), fewestPerBatch),
              chosen,
              (workload, read) -> RunningCountScaling.check(workload, read.tally()));
      for (Map.Entry<Long, Workload> backlog : backlogs.entrySet()) {
        for (Results.Row row : contest.run(backlog.getKey(), backlog.getValue(), settle, batches)) {
          Results.Row measured = row.withoutHeap();
          rows.add(measured);
          shortfalls.put(
              measured, shortfall(measured, fewestPerBatch.getOrDefault(row.contender(), -1L)));
        }
      }
    } finally {
      delete(dir);
    }
    return new Results.Table(
        WORKLOAD,
        "Throughput ceiling: Kafka into running word counts",
        "events/s",
        String.format(
            Locale.ROOT,
            "Median (p95) batch processing time in ms over %d batches, each reading at most the rate (one word a record,"
                + " %,d distinct words, %d partitions) from a backlog written before. A rate is sustained when the median is"
                + " under the %,d ms interval and every measured batch read at least %.0f %% of it. Ceiling, the highest"
                + " sustained rate run: %s.%s",
            batches,
            keys,
            KafkaBacklog.PARTITIONS,
            SparkJobs.BATCH.getMillis(),
            READ_SHARE * 100,
            ceilings(shortfalls),
            notSustained(shortfalls)),
        false,
        rows);
  }

  /**
   * Ours on Beam's translation and ours, against native {@code mapWithState}; each records the
   * fewest records a measured batch of its last run read, by its name.
   */
  private static List<Contender<KafkaRunningCounts.Read>> contenders(
      String bootstrapServers, Map<String, Long> fewestPerBatch) {
    List<Contender<KafkaRunningCounts.Read>> contenders =
        List.of(
            new Contender<>(
                "RunningWordCounts on SparkRunner",
                true,
                KafkaRunningCounts.beam(SparkRunner.class, bootstrapServers)),
            new Contender<>(
                "RunningWordCounts on StreamStateSparkRunner",
                true,
                KafkaRunningCounts.beam(StreamStateSparkRunner.class, bootstrapServers)),
            new Contender<>(
                "mapWithState", false, KafkaRunningCounts.mapWithState(bootstrapServers)));
    return contenders.stream()
        .map(
            contender ->
                new Contender<KafkaRunningCounts.Read>(
                    contender.name(),
                    contender.ours(),
                    (workload, settle, batches, checkpoints) -> {
                      Measured<KafkaRunningCounts.Read> measured =
                          contender.job().run(workload, settle, batches, checkpoints);
                      fewestPerBatch.put(contender.name(), measured.computed().fewestPerBatch());
                      return measured;
                    }))
        .toList();
  }

  /** Why a row's rate was not sustained, or nothing. */
  private static String shortfall(Results.Row row, long fewestPerBatch) {
    if (row.samples() == 0) {
      return "no batch measured";
    }
    if (!row.check().equals(Results.OK)) {
      return "its counts were wrong";
    }
    if (fewestPerBatch < READ_SHARE * row.size()) {
      return String.format(Locale.ROOT, "a batch read only %,d records", fewestPerBatch);
    }
    if (row.medianMillis() >= SparkJobs.BATCH.getMillis()) {
      return String.format(Locale.ROOT, "median %,d ms", row.medianMillis());
    }
    return "";
  }

  /**
   * Each contender's highest rate without a shortfall, in the order they ran; "at least" the
   * highest rate run when it sustained that one, since its ceiling is above what was measured.
   */
  private static String ceilings(Map<Results.Row, String> shortfalls) {
    long highestRun = shortfalls.keySet().stream().mapToLong(Results.Row::size).max().orElse(-1);
    Map<String, Long> ceiling = new LinkedHashMap<>();
    shortfalls.forEach(
        (row, shortfall) ->
            ceiling.merge(row.contender(), shortfall.isEmpty() ? row.size() : -1L, Math::max));
    List<String> figures = new ArrayList<>();
    ceiling.forEach(
        (contender, rate) ->
            figures.add(
                contender
                    + " "
                    + (rate < 0
                        ? "none"
                        : String.format(
                            Locale.ROOT,
                            "%s%,d events/s",
                            rate == highestRun ? "at least " : "",
                            rate))));
    return String.join(", ", figures);
  }

  /** The rows whose rate was not sustained, and why; nothing if every rate was. */
  private static String notSustained(Map<Results.Row, String> shortfalls) {
    List<String> lines = new ArrayList<>();
    shortfalls.forEach(
        (row, shortfall) -> {
          if (!shortfall.isEmpty()) {
            lines.add(
                String.format(
                    Locale.ROOT, "%s at %,d: %s", row.contender(), row.size(), shortfall));
          }
        });
    return lines.isEmpty() ? "" : " Not sustained: " + String.join("; ", lines) + ".";
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.delete(path);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}

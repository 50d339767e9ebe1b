package dev.streamstate.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.joda.time.Duration;

/**
 * Every benchmark in one run, one after the other, and the report: a CSV per workload, {@code
 * results.md} with a table per workload (ours, native, ours ÷ native) and a chart per workload of
 * two sizes or more, {@code <workload>.png} (see {@link Charts}).
 *
 * <p>Arguments are {@code name=value}; the defaults are the full run. {@code keys} (running-count
 * sizes, 10000,100000,1000000), {@code batches} (measured batches, 30), {@code idleUpdates} (1000),
 * {@code timeoutKeys} (sizes for the idle-timeout workload, 10000,100000,1000000), {@code
 * eventTimeKeys} (sizes for the event-time-timers workload, the same), {@code load} (fixed-load
 * words a batch, 10000), {@code windowWords} (10000,100000), {@code windowLoad} (words a batch,
 * 10000), {@code windowSeconds} (60), {@code slideSeconds} (5), {@code joinKeys} (sizes for the
 * windowed-join workload, 10000,100000), {@code joinLoad} (keyed records a batch on each of its two
 * streams, 5000), {@code joinWindowSeconds} (10), {@code joinSlideSeconds} (5), {@code rates}
 * (events a second of the throughput workload, 25000,50000,100000,150000,200000), {@code
 * throughputBatches} (its measured batches, 15), {@code throughputKeys} (its distinct words,
 * 100000), {@code tests} (direct,spark), {@code testClasses} (regex, .*Test), {@code
 * testClassesDir} (transforms/target/test-classes), {@code only} (workloads to run, all by default:
 * test-speed,idle-state,idle-timeout,event-time-timers,fixed-load,sliding-windows,join,throughput),
 * {@code contenders} (a regular expression found in the names of the streaming contenders to run,
 * all by default), {@code profile} (the workloads whose contenders run under a profile for the cost
 * breakdown, {@link CostBreakdown}: throughput,sliding-windows; none for an empty value), {@code
 * out} (benchmarks/results).
 *
 * <p>A run of some workloads only replaces their sections of the {@code results.md} already in
 * {@code out} and keeps the others, as their CSVs are kept.
 */
public final class BenchmarkSuite {
  static final List<String> WORKLOADS =
      List.of(
          "test-speed",
          "idle-state",
          "idle-timeout",
          "event-time-timers",
          "fixed-load",
          "sliding-windows",
          "join",
          "throughput");
  static final String REPORT = "results.md";

  private static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry("keys", "10000,100000,1000000"),
          Map.entry("batches", "30"),
          Map.entry("idleUpdates", "1000"),
          Map.entry("timeoutKeys", "10000,100000,1000000"),
          Map.entry("eventTimeKeys", "10000,100000,1000000"),
          Map.entry("load", "10000"),
          Map.entry("windowWords", "10000,100000"),
          Map.entry("windowLoad", "10000"),
          Map.entry("windowSeconds", "60"),
          Map.entry("slideSeconds", "5"),
          Map.entry("joinKeys", "10000,100000"),
          Map.entry("joinLoad", "5000"),
          Map.entry("joinWindowSeconds", "10"),
          Map.entry("joinSlideSeconds", "5"),
          Map.entry("rates", "25000,50000,100000,150000,200000"),
          Map.entry("throughputBatches", "15"),
          Map.entry("throughputKeys", "100000"),
          Map.entry("tests", "direct,spark"),
          Map.entry("testClasses", ".*Test"),
          Map.entry("testClassesDir", "transforms/target/test-classes"),
          Map.entry("only", String.join(",", WORKLOADS)),
          Map.entry("contenders", ""),
          Map.entry("profile", "throughput,sliding-windows"),
          Map.entry("out", "benchmarks/results"));

  private BenchmarkSuite() {}

  public static void main(String[] args) throws Exception {
    Path out = run(parse(args));
    System.out.print(Files.readString(out.resolve(REPORT)));
    System.exit(0); // Spark's non-daemon threads outlive the stopped jobs
  }

  /** Runs the chosen workloads and writes the results; returns the results directory. */
  static Path run(Map<String, String> options) throws Exception {
    Path out = Path.of(options.get("out"));
    Set<String> only = Set.copyOf(list(options.get("only")));
    int batches = Integer.parseInt(options.get("batches"));
    Pattern contenders = Pattern.compile(options.get("contenders"));
    Predicate<String> chosen = name -> contenders.matcher(name).find();
    CostBreakdown.profile(Set.copyOf(list(options.get("profile"))));
    List<Results.Table> tables = new ArrayList<>();
    // Test speed first: its JVM is as cold as a test fork's.
    if (only.contains("test-speed")) {
      List<TestSuiteSpeed.Half> halves =
          list(options.get("tests")).stream()
              .map(
                  half ->
                      half.equals("direct")
                          ? TestSuiteSpeed.Half.DIRECT_RUNNER
                          : TestSuiteSpeed.Half.SPARK_RUNNER)
              .toList();
      tables.add(
          TestSuiteSpeed.measure(
              Path.of(options.get("testClassesDir")), options.get("testClasses"), halves));
    }
    if (only.contains("idle-state")) {
      Results.Table idle =
          RunningCountScaling.measure(
              "idle-state",
              "Idle-state scaling: running counts, few keys updated a batch",
              RunningCountScaling.PLAIN,
              chosen,
              longs(options.get("keys")),
              Integer.parseInt(options.get("idleUpdates")),
              batches);
      tables.add(idle);
    }
    if (only.contains("idle-timeout")) {
      tables.add(
          RunningCountScaling.measure(
              "idle-timeout",
              "Idle-state scaling with an idle timeout: a processing-time timer per key",
              RunningCountScaling.WITH_IDLE_TIMEOUT,
              chosen,
              longs(options.get("timeoutKeys")),
              Integer.parseInt(options.get("idleUpdates")),
              batches));
    }
    if (only.contains("event-time-timers")) {
      tables.add(
          RunningCountScaling.measure(
              "event-time-timers",
              "Idle-state scaling with event-time timers: one pending per key",
              RunningCountScaling.WITH_EVENT_TIME_TIMEOUT,
              chosen,
              longs(options.get("eventTimeKeys")),
              Integer.parseInt(options.get("idleUpdates")),
              batches));
    }
    if (only.contains("fixed-load")) {
      tables.add(
          RunningCountScaling.measure(
              "fixed-load",
              "Running counts at scale under a fixed load",
              RunningCountScaling.PLAIN,
              chosen,
              longs(options.get("keys")),
              Integer.parseInt(options.get("load")),
              batches));
    }
    if (only.contains("sliding-windows")) {
      tables.add(
          SlidingWindowScaling.measure(
              chosen,
              longs(options.get("windowWords")),
              Integer.parseInt(options.get("windowLoad")),
              Duration.standardSeconds(Long.parseLong(options.get("windowSeconds"))),
              Duration.standardSeconds(Long.parseLong(options.get("slideSeconds"))),
              batches));
    }
    if (only.contains(WindowedJoinScaling.WORKLOAD)) {
      tables.add(
          WindowedJoinScaling.measure(
              chosen,
              longs(options.get("joinKeys")),
              Integer.parseInt(options.get("joinLoad")),
              Duration.standardSeconds(Long.parseLong(options.get("joinWindowSeconds"))),
              Duration.standardSeconds(Long.parseLong(options.get("joinSlideSeconds"))),
              batches));
    }
    if (only.contains("throughput")) {
      tables.add(
          ThroughputCeiling.measure(
              chosen,
              longs(options.get("rates")),
              Long.parseLong(options.get("throughputKeys")),
              Integer.parseInt(options.get("throughputBatches"))));
    }
    for (Results.Table table : tables) {
      Results.writeCsv(out, table);
    }
    Path report = out.resolve(REPORT);
    String before = Files.exists(report) ? Files.readString(report) : "";
    Files.writeString(report, Results.markdown(tables, before, WORKLOADS));
    CostBreakdown.write(out);
    Charts.drawAll(out);
    return out;
  }

  /** The defaults, overridden by {@code name=value} arguments; an unknown name is refused. */
  static Map<String, String> parse(String... args) {
    Map<String, String> options = new LinkedHashMap<>(DEFAULTS);
    for (String arg : args) {
      for (String pair : arg.trim().split("\\s+")) {
        if (pair.isEmpty()) {
          continue;
        }
        String[] nameValue = pair.split("=", 2);
        if (nameValue.length != 2 || !DEFAULTS.containsKey(nameValue[0])) {
          throw new IllegalArgumentException(
              "'" + pair + "' is not one of name=value with a name of " + DEFAULTS.keySet());
        }
        options.put(nameValue[0], nameValue[1]);
      }
    }
    for (String name : List.of("only", "profile")) {
      for (String workload : list(options.get(name))) {
        if (!WORKLOADS.contains(workload)) {
          throw new IllegalArgumentException(
              name + "=: no workload '" + workload + "'; there are " + WORKLOADS);
        }
      }
    }
    return options;
  }

  private static List<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static List<Long> longs(String commaSeparated) {
    return list(commaSeparated).stream().map(Long::parseLong).toList();
  }
}

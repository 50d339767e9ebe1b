package dev.streamstate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a contender's time goes, per event: a Java Flight Recorder profile taken while it runs, of
 * which only the samples of Spark's task threads during its measured batches count, each sample put
 * under one step of the job (source read, keyed state, shuffle, checkpoint writes, …) and, apart,
 * under one kind of work (coders, Java serialization, state maps, DoFn invocation, …), divided by
 * the records those batches read. Ours and the native job in the same run, side by side, show which
 * costs ours adds and which it only makes larger.
 *
 * <p>A sample is taken every {@link #SAMPLE_PERIOD} of a running thread's time, so a category's
 * samples times the period is the CPU time its code took, in Java; time in native code and in the
 * garbage collector's own threads is not sampled, and the collector's pauses are given apart. A
 * sample is filed under the first rule that one of its frames matches, from the innermost frame
 * out: a Beam coder called while reading the source is a coder cost of the source read.
 */
final class CostBreakdown {
  static final String CSV = "cost-breakdown.csv";
  static final String REPORT = "cost-breakdown.md";
  static final Duration SAMPLE_PERIOD = Duration.ofMillis(10);

  private static final String TASK_THREAD = "Executor task launch worker";
  private static final String OTHER = "other";
  private static final String TOTAL = "total, Spark's task threads";
  private static final String GC = "garbage-collection pauses";

  /** One category of one kind: the first rule a sample's frames match, innermost first. */
  private record Rule(String category, Pattern frames) {}

  private static Rule rule(String category, String frames) {
    return new Rule(category, Pattern.compile(frames));
  }

  /** The steps of a job, tried in this order on each frame, innermost frame first. */
  private static final List<Rule> STEPS =
      List.of(
          rule("checkpoint writes", "ReliableCheckpointRDD|ReliableRDDCheckpointData"),
          rule(
              "source read: Kafka fetch, records into the job",
              "KafkaUnboundedReader|MicrobatchSource|SourceRDD|dev\\.streamstate\\.runners\\.kafka\\."
                  + "|streaming\\.kafka010|KafkaRDD"),
          rule(
              "source checkpoint marks: Beam's reader state",
              "beam\\.runners\\.spark\\.stateful\\.StateSpecFunctions"),
          rule(
              "keyed state step",
              "dev\\.streamstate\\.runners\\.state\\.|MapWithStateRDD|StateMap|StateDStream|updateStateByKey"),
          rule(
              "steps before the shuffle: decode, split words, key them",
              "SparkInputDataProcessor|MultiDoFnFunction|DoFnFunction|JavaDStreamLike"
                  + "|dev\\.streamstate\\.benchmarks\\.WorkloadStream"),
          rule("shuffle write", "ShuffleWriter|ShuffleMapTask|ExternalSorter"),
          rule(
              "task and closure deserialization",
              "JavaSerializerInstance\\.deserialize|TaskRunner\\.run$"),
          // Below the step that pulls them, which the stack no longer shows: the shuffle's and the
          // cache's reads, with the job's serializer.
          rule("shuffle or cached blocks read, deserialized", "DeserializationStream"),
          rule(
              "the job's output: counting what it emitted",
              "dev\\.streamstate\\.benchmarks\\.|RDD\\.\\$anonfun\\$fold"));

  /** Kinds of work, whatever the step. */
  private static final List<Rule> OPERATIONS =
      List.of(
          rule("Kafka client: fetch and parse records", "^org\\.apache\\.kafka\\."),
          rule(
              "Java serialization",
              "^java\\.io\\.Object(Input|Output)Stream|^java\\.io\\.ObjectStreamClass"
                  + "|\\.readObject$|\\.writeObject$"),
          rule("compression", "lz4|zstd|snappy|Inflater|Deflater"),
          rule(
              "Beam coders and WindowedValues, to and from bytes",
              "^org\\.apache\\.beam\\.sdk\\.coders\\.|WindowedValueCoder|CoderUtils|CoderHelpers|KafkaRecordCoder"
                  + "|^java\\.io\\.Data(Input|Output)Stream|^java\\.io\\.ByteArray(Input|Output)Stream"
                  + "|ExposedByteArray|UnownedOutputStream|VarInt"),
          rule(
              "state maps and cells",
              "dev\\.streamstate\\.runners\\.state\\.(KeyState|PartitionState|KeyedBatch|TimeIndex|KeyTimers)"
                  + "|scala\\.collection\\.immutable\\.HashMap|runners\\.core\\.(InMemory|StateNamespaces|StateTags)"
                  + "|SparkStateInternals|HashBasedTable|StandardTable|StateMap|OpenHashMap|OpenHashSet"),
          rule(
              "DoFn invocation and output",
              "SimpleDoFnRunner|DoFnInvoker|OutputReceiver|WindowedValues\\$"
                  + "|DoFnRunnerWithMetrics|StatefulDoFnRunner|ThreadLocal"),
          rule(
              "the workload's own code: split, count",
              "^dev\\.streamstate\\.transforms\\.|^dev\\.streamstate\\.benchmarks\\."
                  + "|^java\\.util\\.regex\\.|^java\\.lang\\.String"),
          rule("Spark's task and iterator machinery", "^org\\.apache\\.spark\\.|^scala\\."));

  /**
   * One figure: a category's cost per event of a contender's run of a workload at a size; {@code
   * kind} is "step", "operation" or "total".
   */
  record Entry(
      String workload, long size, String contender, String kind, String category, double micros) {
    String csv() {
      return String.join(
          ",",
          workload,
          Long.toString(size),
          quoted(contender),
          kind,
          quoted(category),
          String.format(Locale.ROOT, "%.3f", micros));
    }

    static Entry ofCsv(String line) {
      List<String> fields = splitCsv(line);
      return new Entry(
          fields.get(0),
          Long.parseLong(fields.get(1)),
          fields.get(2),
          fields.get(3),
          fields.get(4),
          Double.parseDouble(fields.get(5)));
    }
  }

  /** The workloads to profile, by the suite's {@code profile} option; none until set. */
  private static Set<String> profiled = Set.of();

  /** What this process profiled so far. */
  private static final List<Entry> ENTRIES = new ArrayList<>();

  private CostBreakdown() {}

  static synchronized void profile(Set<String> workloads) {
    profiled = Set.copyOf(workloads);
  }

  /** Runs {@code job}, under a profile if its workload is profiled, and keeps its breakdown. */
  static <T> Measured<T> run(
      String workload, long size, String contender, Callable<Measured<T>> job) throws Exception {
    if (!profiled.contains(workload)) {
      return job.call();
    }
    Path file = Files.createTempFile("profile-" + workload, ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable("jdk.ExecutionSample").withPeriod(SAMPLE_PERIOD);
      recording.enable("jdk.GarbageCollection");
      recording.start();
      Measured<T> measured;
      try {
        measured = job.call();
      } finally {
        recording.stop();
        recording.dump(file);
      }
      synchronized (CostBreakdown.class) {
        ENTRIES.addAll(read(file, measured.batches(), workload, size, contender));
      }
      return measured;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** The breakdown of one run's measured {@code batches} from its recording. */
  static List<Entry> read(
      Path recording, List<BatchTimes.Batch> batches, String workload, long size, String contender)
      throws IOException {
    long events = batches.stream().mapToLong(BatchTimes.Batch::records).sum();
    Map<String, Long> steps = counts(STEPS);
    Map<String, Long> operations = counts(OPERATIONS);
    long samples = 0;
    Duration paused = Duration.ZERO;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (!inAny(event.getStartTime(), batches)) {
        continue;
      }
      String type = event.getEventType().getName();
      if (type.equals("jdk.GarbageCollection")) {
        paused = paused.plus(event.getDuration("sumOfPauses"));
      } else if (type.equals("jdk.ExecutionSample")
          && isTaskThread(event)
          && event.getStackTrace() != null) {
        List<String> frames =
            event.getStackTrace().getFrames().stream().map(CostBreakdown::frame).toList();
        steps.merge(classify(frames, STEPS), 1L, Long::sum);
        operations.merge(classify(frames, OPERATIONS), 1L, Long::sum);
        samples++;
      }
    }
    List<Entry> entries = new ArrayList<>();
    if (events == 0) {
      return entries;
    }
    double microsPerSample = SAMPLE_PERIOD.toNanos() / 1000.0;
    steps.forEach(
        (category, count) ->
            entries.add(
                new Entry(
                    workload,
                    size,
                    contender,
                    "step",
                    category,
                    count * microsPerSample / events)));
    operations.forEach(
        (category, count) ->
            entries.add(
                new Entry(
                    workload,
                    size,
                    contender,
                    "operation",
                    category,
                    count * microsPerSample / events)));
    entries.add(
        new Entry(workload, size, contender, "total", TOTAL, samples * microsPerSample / events));
    entries.add(
        new Entry(workload, size, contender, "total", GC, paused.toNanos() / 1000.0 / events));
    return entries;
  }

  /**
   * Writes the breakdown of this run into {@code out}: its CSV, where this run's workloads replace
   * their rows and the other workloads' rows stay, and its report from that CSV.
   */
  static synchronized void write(Path out) throws IOException {
    if (ENTRIES.isEmpty()) {
      return;
    }
    Path csv = out.resolve(CSV);
    Set<String> rerun = new LinkedHashSet<>();
    ENTRIES.forEach(entry -> rerun.add(entry.workload()));
    List<Entry> all = new ArrayList<>();
    if (Files.exists(csv)) {
      Files.readAllLines(csv).stream()
          .skip(1)
          .map(Entry::ofCsv)
          .filter(e -> !rerun.contains(e.workload()))
          .forEach(all::add);
    }
    all.addAll(ENTRIES);
    List<String> lines = new ArrayList<>();
    lines.add("workload,size,contender,kind,category,micros_per_event");
    all.forEach(entry -> lines.add(entry.csv()));
    Files.createDirectories(out);
    Files.write(csv, lines);
    Files.writeString(out.resolve(REPORT), markdown(all));
  }

  /**
   * The report: per workload and size, a table of each category's cost per event, contender by
   * contender.
   */
  static String markdown(List<Entry> entries) {
    StringBuilder md =
        new StringBuilder(
            "# Cost breakdown: where the time of a measured batch goes, per event\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "From a Java Flight Recorder profile of each contender's measured batches (`profile=` of the benchmark suite):"
                + " CPU microseconds per event read, on Spark's task threads, in Java code, one sample every %d ms of a"
                + " running thread. Each sample is filed under the innermost frame a rule matches (`%s`): by step of the"
                + " job, then, apart, by kind of work. Garbage-collection pauses stop every thread; they are given per event"
                + " apart from the total. Figures below 0.05 µs are left out.%n",
            SAMPLE_PERIOD.toMillis(),
            CostBreakdown.class.getSimpleName() + ".java"));
    Map<String, List<Entry>> tables = new LinkedHashMap<>();
    entries.forEach(
        entry ->
            tables
                .computeIfAbsent(
                    entry.workload() + " at " + String.format(Locale.ROOT, "%,d", entry.size()),
                    key -> new ArrayList<>())
                .add(entry));
    tables.forEach((title, rows) -> md.append('\n').append(table(title, rows)));
    return md.toString();
  }

  private static String table(String title, List<Entry> rows) {
    List<String> contenders = rows.stream().map(Entry::contender).distinct().toList();
    StringBuilder md = new StringBuilder("## ").append(title).append("\n\n| ");
    md.append("µs per event | ").append(String.join(" | ", contenders)).append(" |\n|---|");
    contenders.forEach(c -> md.append("---|"));
    md.append('\n');
    for (String kind : List.of("total", "step", "operation")) {
      Map<String, Map<String, Double>> byCategory = new LinkedHashMap<>();
      rows.stream()
          .filter(r -> r.kind().equals(kind))
          .forEach(
              r ->
                  byCategory
                      .computeIfAbsent(r.category(), key -> new LinkedHashMap<>())
                      .put(r.contender(), r.micros()));
      byCategory.forEach(
          (category, figures) -> {
            if (figures.values().stream().allMatch(micros -> micros < 0.05)) {
              return;
            }
            String label = kind.equals("total") ? "**" + category + "**" : kind + ": " + category;
            md.append("| ").append(label);
            contenders.forEach(
                c ->
                    md.append(" | ")
                        .append(
                            figures.containsKey(c)
                                ? String.format(Locale.ROOT, "%.1f", figures.get(c))
                                : "–"));
            md.append(" |\n");
          });
    }
    return md.toString();
  }

  private static Map<String, Long> counts(List<Rule> rules) {
    Map<String, Long> counts = new LinkedHashMap<>();
    rules.forEach(rule -> counts.put(rule.category(), 0L));
    counts.put(OTHER, 0L);
    return counts;
  }

  /** The category of the first rule matched by a frame, innermost frame first. */
  static String classify(List<String> frames, List<Rule> rules) {
    for (String frame : frames) {
      for (Rule rule : rules) {
        if (rule.frames().matcher(frame).find()) {
          return rule.category();
        }
      }
    }
    return OTHER;
  }

  private static String frame(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static boolean isTaskThread(RecordedEvent event) {
    var thread = event.getThread("sampledThread");
    return thread != null
        && thread.getJavaName() != null
        && thread.getJavaName().startsWith(TASK_THREAD);
  }

  private static boolean inAny(Instant time, List<BatchTimes.Batch> batches) {
    long millis = time.toEpochMilli();
    return batches.stream()
        .anyMatch(batch -> batch.startMillis() <= millis && millis <= batch.endMillis());
  }

  private static String quoted(String field) {
    return "\"" + field.replace("\"", "\"\"") + "\"";
  }

  private static List<String> splitCsv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }
}

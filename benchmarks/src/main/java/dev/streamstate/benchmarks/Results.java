package dev.streamstate.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Benchmark figures as files: a CSV per workload (one row per contender and size) and one Markdown
 * report with a table per workload, where each row puts our figure beside every native one with the
 * ratio ours ÷ native, and says whether every contender's results were right.
 */
final class Results {
  /** A check that found nothing wrong. */
  static final String OK = "ok";

  private static final String HEADING = "# Benchmark results\n";

  /** How a section's heading ends: the workload's CSV, {@code (`join.csv`)}. */
  private static final Pattern SECTION_CSV = Pattern.compile("\\(`([^`]+)\\.csv`\\)\\s*$");

  private Results() {}

  /**
   * One contender's figures at one size of one workload: the median, p95 and mean of {@code
   * samples} measured times in milliseconds (-1 when nothing could be measured), the heap the job
   * held once its workload was in ({@code heldBytes}, -1 where no job holds state), and the check's
   * verdict.
   */
  record Row(
      String workload,
      long size,
      String contender,
      boolean ours,
      int samples,
      long medianMillis,
      long p95Millis,
      long meanMillis,
      long heldBytes,
      String check) {

    static Row of(
        String workload,
        long size,
        Contender<?> contender,
        List<Long> millis,
        long heldBytes,
        String check) {
      if (millis.isEmpty()) {
        return new Row(
            workload,
            size,
            contender.name(),
            contender.ours(),
            0,
            -1,
            -1,
            -1,
            heldBytes,
            check.equals(OK) ? "no steady batch measured" : check);
      }
      return new Row(
          workload,
          size,
          contender.name(),
          contender.ours(),
          millis.size(),
          BatchTimes.quantile(millis, 0.5),
          BatchTimes.quantile(millis, 0.95),
          Math.round(millis.stream().mapToLong(Long::longValue).average().orElse(0)),
          heldBytes,
          check);
    }

    /** The same figures without the heap held: for sizes the state does not grow with (a rate). */
    Row withoutHeap() {
      return new Row(
          workload, size, contender, ours, samples, medianMillis, p95Millis, meanMillis, -1, check);
    }

    /** The figure that ratios compare: the median, or the mean where the table says so. */
    long compared(boolean mean) {
      return mean ? meanMillis : medianMillis;
    }
  }

  /**
   * A workload's rows, with what its sizes count and what its figures are, for the report; {@code
   * meanRatio} compares mean batch times instead of medians (where most batches do no work).
   */
  record Table(
      String workload,
      String title,
      String sizeUnit,
      String figure,
      boolean meanRatio,
      List<Row> rows) {}

  /** Writes {@code <workload>.csv}. */
  static void writeCsv(Path dir, Table table) throws IOException {
    StringBuilder csv =
        new StringBuilder(
            table.sizeUnit()
                + ",contender,ours,samples,median_ms,p95_ms,mean_ms,held_bytes,check\n");
    for (Row row : table.rows()) {
      csv.append(
              String.join(
                  ",",
                  Long.toString(row.size()),
                  row.contender(),
                  Boolean.toString(row.ours()),
                  Integer.toString(row.samples()),
                  Long.toString(row.medianMillis()),
                  Long.toString(row.p95Millis()),
                  Long.toString(row.meanMillis()),
                  Long.toString(row.heldBytes()),
                  '"' + row.check().replace("\"", "'") + '"'))
          .append('\n');
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(table.workload() + ".csv"), csv);
  }

  /**
   * The report: a section and a table per workload, in the order of {@code workloads}; for a
   * workload this run did not measure (not in {@code tables}), the section that {@code before}, the
   * report of earlier runs, has for it, if any, unchanged.
   */
  static String markdown(List<Table> tables, String before, List<String> workloads) {
    Map<String, String> sections = new LinkedHashMap<>(sections(before));
    for (Table table : tables) {
      sections.put(table.workload(), section(table));
    }
    StringBuilder md = new StringBuilder(HEADING);
    for (String workload : workloads) {
      String section = sections.remove(workload);
      if (section != null) {
        md.append("\n").append(section);
      }
    }
    sections.values().forEach(section -> md.append("\n").append(section));
    return md.toString();
  }

  /** The sections of a report by workload (the CSV its heading names), each from its heading on. */
  private static Map<String, String> sections(String report) {
    Map<String, String> sections = new LinkedHashMap<>();
    String[] parts = ("\n" + report).split("\n(?=## )");
    for (int i = 1; i < parts.length; i++) {
      String section = parts[i].replaceAll("\\n+$", "\n");
      Matcher csv = SECTION_CSV.matcher(section.lines().findFirst().orElse(""));
      if (csv.find()) {
        sections.put(csv.group(1), section);
      }
    }
    return sections;
  }

  /** A workload's section: its heading, what its figures are, and its table. */
  private static String section(Table table) {
    StringBuilder md = new StringBuilder();
    md.append("## ")
        .append(table.title())
        .append(" (`")
        .append(table.workload())
        .append(".csv`)\n\n");
    md.append(table.figure()).append("\n\n");
    if (table.rows().isEmpty()) {
      md.append("No contender of this workload was chosen.\n");
      return md.toString();
    }
    Map<Long, List<Row>> bySize =
        table.rows().stream()
            .collect(Collectors.groupingBy(Row::size, LinkedHashMap::new, Collectors.toList()));
    List<Row> first = bySize.values().iterator().next();
    md.append("| ").append(table.sizeUnit()).append(" | ours | figure");
    StringBuilder rule = new StringBuilder("|---|---|---");
    for (Row other : first) {
      if (!other.ours()) {
        md.append(" | ").append(other.contender()).append(" | ours ÷ ").append(other.contender());
        rule.append("|---|---");
      }
    }
    md.append(" | results |\n").append(rule).append("|---|\n");
    for (Map.Entry<Long, List<Row>> size : bySize.entrySet()) {
      // One line for each of ours (a workload may compare two of our translations), each against
      // every native contender.
      for (Row ours : size.getValue().stream().filter(Row::ours).toList()) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %,d | %s | %s",
                size.getKey(),
                ours.contender(),
                figure(ours, table)));
        for (Row other : size.getValue()) {
          if (!other.ours()) {
            md.append(" | ")
                .append(figure(other, table))
                .append(" | ")
                .append(ratio(ours, other, table.meanRatio()));
          }
        }
        md.append(" | ").append(verdict(size.getValue())).append(" |\n");
      }
    }
    return md.toString();
  }

  /**
   * Median (p95) in ms, with the mean where ratios compare means, then the heap held per unit of
   * size (per key, per word); one time for one sample.
   */
  private static String figure(Row row, Table table) {
    if (row.samples() == 0) {
      return "—";
    }
    if (row.samples() == 1) {
      return String.format(Locale.ROOT, "%,d", row.medianMillis());
    }
    String figure = String.format(Locale.ROOT, "%,d (%,d)", row.medianMillis(), row.p95Millis());
    if (table.meanRatio()) {
      figure += String.format(Locale.ROOT, ", mean %,d", row.meanMillis());
    }
    if (row.heldBytes() >= 0 && row.size() > 0) {
      String unit =
          table.sizeUnit().endsWith("s")
              ? table.sizeUnit().substring(0, table.sizeUnit().length() - 1)
              : table.sizeUnit();
      figure += String.format(Locale.ROOT, "; %,d B/%s held", row.heldBytes() / row.size(), unit);
    }
    return figure;
  }

  private static String ratio(Row ours, Row other, boolean mean) {
    if (ours.samples() == 0 || other.samples() == 0) {
      return "—";
    }
    return String.format(
        Locale.ROOT, "%.2f", ours.compared(mean) / (double) Math.max(1, other.compared(mean)));
  }

  private static String verdict(List<Row> rows) {
    String wrong =
        rows.stream()
            .filter(row -> !row.check().equals(OK))
            .map(row -> row.contender() + ": " + row.check().replace("|", "/"))
            .collect(Collectors.joining("; "));
    return wrong.isEmpty() ? "all right" : wrong;
  }
}

package dev.streamstate.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Writes {@code conformance/results.md} from the surefire reports of a conformance run: per setup
 * and test class, how many of Beam's tests ran, passed, failed and were skipped on Beam's
 * translation and on ours, and every test whose outcome differs between the two, with the reason.
 *
 * <p>Reads {@code <reports>/<setup>/<runner>/run-<n>/TEST-*.xml}, where the runner is {@value
 * #BEAMS} or {@value #OURS}. A test that passed in some runs and failed in others is "flaky": the
 * runs are repeated because a lost result showed only sometimes. Reasons for known differences come
 * from a file of {@code test<TAB>reason} lines; a difference without one shows ours' failure.
 *
 * <p>Usage: {@code ConformanceReport <reports dir> <reasons file> <results.md> <command>}.
 */
public final class ConformanceReport {
  static final String BEAMS = "beams-translation";
  static final String OURS = "ours";

  private static final Map<String, String> SETUPS =
      Map.of(
          "beam",
          "Beam's setup (`validatesRunnerStreaming`: bounded tests run in batch, TestStream tests in streaming)",
          "streaming",
          "Every test on the streaming path (each `Create` read as an unbounded stream)");

  /** One test's outcomes over the runs of one runner. */
  private static final class Outcomes {
    int passed;
    int failed;
    int skipped;
    String firstFailure = "";

    String verdict() {
      if (skipped > 0 && passed == 0 && failed == 0) {
        return "skipped";
      }
      if (failed == 0) {
        return "passed";
      }
      return passed == 0 ? "failed" : "flaky";
    }
  }

  private ConformanceReport() {}

  public static void main(String[] args) throws Exception {
    Path reports = Path.of(args[0]);
    Map<String, String> reasons = readReasons(Path.of(args[1]));
    StringBuilder md = new StringBuilder();
    md.append("# Beam's ValidatesRunner tests on Beam's Spark runner and on ours\n\n")
        .append("Written by `ConformanceReport` from one run of `")
        .append(args[3])
        .append("`; how it runs is in `conformance/README.md`.\n");
    for (String setup : List.of("beam", "streaming")) {
      Path dir = reports.resolve(setup);
      if (Files.isDirectory(dir)) {
        report(setup, dir, reasons, md);
      }
    }
    Files.writeString(Path.of(args[2]), md.toString(), StandardCharsets.UTF_8);
  }

  private static void report(String setup, Path dir, Map<String, String> reasons, StringBuilder md)
      throws Exception {
    Map<String, Outcomes> beams = outcomes(dir.resolve(BEAMS));
    Map<String, Outcomes> ours = outcomes(dir.resolve(OURS));
    int runs = runs(dir.resolve(OURS));
    md.append("\n## ").append(SETUPS.get(setup)).append("\n\n");
    md.append(runs).append(runs == 1 ? " run" : " runs").append(" of each test on each runner. ");
    md.append(
        "Per test class: tests, passed (in every run), failed (in every run), flaky (in some), skipped.\n\n");
    String prefix = setup.equals("streaming") ? "Streaming" : "";
    md.append("| test class | Beam's translation (`")
        .append(prefix)
        .append("TestSparkRunner`) | ours (`")
        .append(prefix)
        .append("TestStreamStateSparkRunner`) |\n");
    md.append("|---|---|---|\n");
    Set<String> classes = new TreeSet<>();
    for (String test : union(beams, ours)) {
      classes.add(classOf(test));
    }
    for (String testClass : classes) {
      md.append("| `")
          .append(testClass)
          .append("` | ")
          .append(summary(beams, testClass))
          .append(" | ")
          .append(summary(ours, testClass))
          .append(" |\n");
    }
    md.append("| **all** | ")
        .append(summary(beams, ""))
        .append(" | ")
        .append(summary(ours, ""))
        .append(" |\n");

    List<String> regressions = new ArrayList<>();
    List<String> additions = new ArrayList<>();
    List<String> otherDifferences = new ArrayList<>();
    for (String test : union(beams, ours)) {
      String onBeams = verdict(beams.get(test));
      String onOurs = verdict(ours.get(test));
      if (onBeams.equals(onOurs)) {
        continue;
      }
      String row =
          "| `"
              + test
              + "` | "
              + onBeams
              + " | "
              + onOurs
              + " | "
              + reason(test, ours.get(test), beams.get(test), reasons)
              + " |";
      if (onBeams.equals("passed")) {
        regressions.add(row);
      } else if (onOurs.equals("passed")) {
        additions.add(row);
      } else {
        otherDifferences.add(row);
      }
    }
    md.append("\n**Passed on Beam's translation and not on ours: ")
        .append(regressions.size())
        .append(".**\n");
    table(md, "Tests that pass on Beam's translation and not on ours", regressions);
    table(md, "Tests that pass on ours and not on Beam's translation (what ours adds)", additions);
    table(md, "Other differences", otherDifferences);

    List<String> failingOnBoth = new ArrayList<>();
    for (String test : union(beams, ours)) {
      if (!verdict(beams.get(test)).equals("passed")
          && verdict(beams.get(test)).equals(verdict(ours.get(test)))
          && !verdict(ours.get(test)).equals("skipped")) {
        failingOnBoth.add(
            "| `"
                + test
                + "` | "
                + verdict(ours.get(test))
                + " | "
                + reason(test, ours.get(test), beams.get(test), reasons)
                + " |");
      }
    }
    if (!failingOnBoth.isEmpty()) {
      md.append(
          "\n### The same outcome on both, not a pass\n\n| test | on both | reason |\n|---|---|---|\n");
      failingOnBoth.forEach(row -> md.append(row).append('\n'));
    }
  }

  private static void table(StringBuilder md, String title, List<String> rows) {
    md.append("\n### ").append(title).append("\n\n");
    if (rows.isEmpty()) {
      md.append("None.\n");
      return;
    }
    md.append("| test | Beam's translation | ours | reason |\n|---|---|---|---|\n");
    rows.forEach(row -> md.append(row).append('\n'));
  }

  private static String reason(
      String test, Outcomes ours, Outcomes beams, Map<String, String> reasons) {
    String known = reasons.get(test);
    if (known != null) {
      return known;
    }
    Outcomes failing = ours != null && ours.failed > 0 ? ours : beams;
    return failing == null || failing.firstFailure.isEmpty()
        ? "—"
        : "no explanation yet; the failure: `" + failing.firstFailure + "`";
  }

  private static String verdict(Outcomes outcomes) {
    return outcomes == null ? "not run" : outcomes.verdict();
  }

  private static String summary(Map<String, Outcomes> outcomes, String testClass) {
    int tests = 0;
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String verdict : List.of("passed", "failed", "flaky", "skipped")) {
      counts.put(verdict, 0);
    }
    for (Map.Entry<String, Outcomes> test : outcomes.entrySet()) {
      if (testClass.isEmpty() || classOf(test.getKey()).equals(testClass)) {
        tests++;
        counts.merge(test.getValue().verdict(), 1, Integer::sum);
      }
    }
    return tests
        + " / "
        + counts.get("passed")
        + " / "
        + counts.get("failed")
        + " / "
        + counts.get("flaky")
        + " / "
        + counts.get("skipped");
  }

  private static Set<String> union(Map<String, Outcomes> a, Map<String, Outcomes> b) {
    Set<String> all = new TreeSet<>(a.keySet());
    all.addAll(b.keySet());
    return all;
  }

  private static String classOf(String test) {
    return test.substring(0, test.lastIndexOf('#'));
  }

  private static int runs(Path runner) throws IOException {
    if (!Files.isDirectory(runner)) {
      return 0;
    }
    try (Stream<Path> runs = Files.list(runner)) {
      return (int) runs.filter(Files::isDirectory).count();
    }
  }

  /** Each test's outcomes over every run under {@code runner}, by {@code Class#method}. */
  private static Map<String, Outcomes> outcomes(Path runner) throws Exception {
    Map<String, Outcomes> outcomes = new TreeMap<>();
    if (!Files.isDirectory(runner)) {
      return outcomes;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(runner)) {
      files =
          walk.filter(path -> path.getFileName().toString().matches("TEST-.*\\.xml"))
              .sorted()
              .toList();
    }
    for (Path file : files) {
      Element suite =
          DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(file.toFile())
              .getDocumentElement();
      NodeList cases = suite.getElementsByTagName("testcase");
      for (int i = 0; i < cases.getLength(); i++) {
        Element testCase = (Element) cases.item(i);
        String test =
            shortName(testCase.getAttribute("classname")) + "#" + testCase.getAttribute("name");
        Outcomes outcome = outcomes.computeIfAbsent(test, name -> new Outcomes());
        Element problem = firstChild(testCase, "failure", "error");
        if (problem != null) {
          outcome.failed++;
          if (outcome.firstFailure.isEmpty()) {
            outcome.firstFailure = firstLine(problem);
          }
        } else if (firstChild(testCase, "skipped") != null) {
          outcome.skipped++;
        } else {
          outcome.passed++;
        }
      }
    }
    return outcomes;
  }

  private static String shortName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  private static Element firstChild(Element parent, String... tags) {
    for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element element && List.of(tags).contains(element.getTagName())) {
        return element;
      }
    }
    return null;
  }

  /**
   * A failure's message on one line (a PAssert's first line only names the step), long runs of one
   * letter (Beam's large-key tests) shortened.
   */
  private static String firstLine(Element problem) {
    String message = problem.getAttribute("message");
    if (message.isBlank()) {
      message = problem.getAttribute("type");
    }
    String line = String.join(" ", message.strip().lines().map(String::strip).toList());
    line = line.replaceAll("(\\w)\\1{20,}", "$1…").replace('|', '/').replace('`', '\'');
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  private static Map<String, String> readReasons(Path file) throws IOException {
    Map<String, String> reasons = new TreeMap<>();
    if (!Files.exists(file)) {
      return reasons;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int tab = line.indexOf('\t');
      if (tab < 0) {
        throw new IllegalArgumentException(file + ": not 'test<TAB>reason': " + line);
      }
      reasons.put(line.substring(0, tab).strip(), line.substring(tab + 1).strip());
    }
    return reasons;
  }
}

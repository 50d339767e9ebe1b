package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamstate.localstack.ServerProcess;
import dev.streamstate.pipelines.cli.StreamState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every command of the README's quick start and "Replay files" sections, as written: read from
 * README.md itself, run from a copy of {@code examples/} with the launcher's own {@code java}
 * flags, as a process of the local stack's kind (it ends when this JVM does). A replay must end by
 * itself with a summary that counts exactly the results it wrote; {@code fraud-demo}, endless, must
 * write an alert and then stop within 15 s of SIGTERM with exit code 143 and no stack trace. {@code
 * mvn -B verify} is the run this test is part of.
 */
class ReadmeCommandsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Duration REPLAY_WITHIN = Duration.ofMinutes(3);
  private static final Duration ALERT_WITHIN = Duration.ofMinutes(4);
  private static final Pattern SUMMARY =
      Pattern.compile("(?m)^streamstate ([a-z-]+): (\\d+) results?, (\\d+) dead letters?\\b.*$");
  private static final Pattern OUTPUT = Pattern.compile("--output=(\\S+)");

  @Test
  void theQuickStartAndReplayCommandsRunAsWritten() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    List<String> commands = new ArrayList<>(commands(section(readme, "## Quick start")));
    commands.addAll(commands(section(readme, "### Replay files")));
    assertEquals(
        List.of("./streamstate fraud-demo --runner=SparkRunner", "mvn -B verify"),
        commands.subList(0, 2),
        "the quick start's two commands");
    List<String> replays = commands.subList(2, commands.size());
    assertEquals(2, replays.size(), "the replay commands: " + replays);

    Path dir = Files.createTempDirectory(Path.of("target"), "readme").toAbsolutePath();
    try (Stream<Path> examples = Files.list(ROOT.resolve("examples"))) {
      Files.createDirectories(dir.resolve("examples"));
      for (Path example : examples.toList()) {
        Files.copy(example, dir.resolve("examples").resolve(example.getFileName()));
      }
    }
    for (String replay : replays) {
      runReplay(dir, replay);
    }
    runDemo(dir, commands.get(0));
  }

  /** A replay ends by itself, and its summary counts the lines of its output file. */
  private static void runReplay(Path dir, String command) throws Exception {
    ServerProcess run = start(dir, command, "replay-" + command.split(" ")[1]);
    OptionalInt exit = run.awaitExit(REPLAY_WITHIN);
    run.kill();
    String output = Files.readString(run.log());
    assertEquals(OptionalInt.of(0), exit, command + " (empty: it did not end)\n" + output);
    Matcher summary = SUMMARY.matcher(output);
    assertTrue(summary.find(), "no summary line: " + command + "\n" + output);
    Matcher file = OUTPUT.matcher(command);
    assertTrue(file.find(), command);
    long written =
        Files.readAllLines(dir.resolve(file.group(1))).stream()
            .filter(line -> !line.isBlank())
            .count();
    assertEquals(
        written,
        Long.parseLong(summary.group(2)),
        "results in the summary and in the file: " + summary.group());
    assertTrue(written > 0, command);
    assertTrue(
        readmeSays(summary.group()),
        "the README does not show the summary '" + summary.group() + "'");
  }

  /** The demo writes an alert, then stops within 15 s of SIGTERM, exit code 143, no stack trace. */
  private static void runDemo(Path dir, String command) throws Exception {
    ServerProcess demo = start(dir, command, "fraud-demo");
    try {
      long deadline = System.nanoTime() + ALERT_WITHIN.toNanos();
      while (!Files.readString(demo.log()).contains("{\"kind\":\"alert\"")
          && System.nanoTime() < deadline) {
        assertTrue(demo.isAlive(), "fraud-demo ended; see " + demo.log());
        Thread.sleep(500);
      }
      assertTrue(
          Files.readString(demo.log()).contains("{\"kind\":\"alert\""),
          "no alert; see " + demo.log());
      long signalled = Files.size(demo.log());
      // SIGTERM, as a process manager sends it
      assertEquals(
          OptionalInt.of(143),
          demo.terminate(DriverCrashes.TERM_WITHIN),
          "exit code after SIGTERM (empty: still running); see " + demo.log());
      String after = Files.readString(demo.log()).substring((int) signalled);
      assertFalse(after.contains("\tat "), "a stack trace after SIGTERM:\n" + after);
    } finally {
      demo.kill(); // its servers stop by themselves once it is gone
    }
  }

  /**
   * {@code ./streamstate ARGS} as the launcher runs it, from {@code dir}, logging to {@code
   * <dir>/<name>.log}.
   */
  private static ServerProcess start(Path dir, String command, String name) {
    assertTrue(command.startsWith("./streamstate "), command);
    return ServerProcess.startWithClasspath(
        name,
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        List.of(
            "@" + ROOT.resolve(".mvn/jvm.config"),
            "-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties")),
        StreamState.class.getName(),
        List.of(command.substring("./streamstate ".length()).trim().split("\\s+")),
        dir,
        Map.of("SPARK_LOCAL_IP", "127.0.0.1"));
  }

  /** The text of {@code heading}'s section, up to the next heading of any level. */
  static String section(String readme, String heading) {
    int start = readme.indexOf("\n" + heading + "\n");
    assertTrue(start >= 0, "no section " + heading);
    Matcher next = Pattern.compile("\n#{2,3} ").matcher(readme);
    int end = next.find(start + heading.length() + 1) ? next.start() : readme.length();
    return readme.substring(start, end);
  }

  /** The commands of a section's bash blocks: continued lines joined, comments dropped. */
  static List<String> commands(String section) {
    List<String> commands = new ArrayList<>();
    Matcher block = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (block.find()) {
      for (String command : block.group(1).replace("\\\n", " ").split("\n")) {
        String text = command.replaceAll("\\s+#.*$", "").strip();
        if (!text.isEmpty() && !text.startsWith("#")) {
          commands.add(text.replaceAll("\\s+", " "));
        }
      }
    }
    return commands;
  }

  private static boolean readmeSays(String summary) throws IOException {
    return Files.readString(ROOT.resolve("README.md")).replaceAll("\\s+", " ").contains(summary);
  }
}

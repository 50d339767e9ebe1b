package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every command of the README's quick start and "Replay files" sections, as written: read from
 * README.md itself, run from a copy of {@code examples/} with the launcher's own {@code java}
 * line. A replay must end by itself with a summary that counts exactly the results it wrote;
 * {@code fraud-demo}, endless, must write an alert and then stop within 15 s of SIGTERM with exit
 * code 143 and no stack trace. {@code mvn -B verify} is the run this test is part of.
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
    Path log = dir.resolve("replay.log");
    Process run = start(dir, command, log);
    assertTrue(run.waitFor(REPLAY_WITHIN.toSeconds(), TimeUnit.SECONDS), command + " did not end; see " + log);
    String output = Files.readString(log);
    assertEquals(0, run.exitValue(), command + "\n" + output);
    Matcher summary = SUMMARY.matcher(output);
    assertTrue(summary.find(), "no summary line: " + command + "\n" + output);
    Matcher file = OUTPUT.matcher(command);
    assertTrue(file.find(), command);
    long written = Files.readAllLines(dir.resolve(file.group(1))).stream().filter(line -> !line.isBlank()).count();
    assertEquals(written, Long.parseLong(summary.group(2)), "results in the summary and in the file: " + summary.group());
    assertTrue(written > 0, command);
    assertTrue(readmeSays(summary.group()), "the README does not show the summary '" + summary.group() + "'");
  }

  /** The demo writes an alert, then stops within 15 s of SIGTERM, exit code 143, no stack trace. */
  private static void runDemo(Path dir, String command) throws Exception {
    Path log = dir.resolve("fraud-demo.log");
    Process demo = start(dir, command, log);
    try {
      long deadline = System.nanoTime() + ALERT_WITHIN.toNanos();
      while (!Files.readString(log).contains("{\"kind\":\"alert\"") && System.nanoTime() < deadline) {
        assertTrue(demo.isAlive(), "fraud-demo ended; see " + log);
        Thread.sleep(500);
      }
      assertTrue(Files.readString(log).contains("{\"kind\":\"alert\""), "no alert; see " + log);
      long signalled = Files.size(log);
      demo.destroy(); // SIGTERM, as a process manager sends it
      assertTrue(demo.waitFor(DriverCrashes.TERM_WITHIN.toSeconds(), TimeUnit.SECONDS), "still running 15 s after SIGTERM; see " + log);
      assertEquals(143, demo.exitValue(), "exit code after SIGTERM; see " + log);
      String after = Files.readString(log).substring((int) signalled);
      assertFalse(after.contains("\tat "), "a stack trace after SIGTERM:\n" + after);
    } finally {
      demo.destroyForcibly();
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** {@code ./streamstate ARGS} as the launcher runs it, from {@code dir}, output to {@code log}. */
  private static Process start(Path dir, String command, Path log) throws IOException {
    assertTrue(command.startsWith("./streamstate "), command);
    List<String> java =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + ROOT.resolve(".mvn/jvm.config"),
                "-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"),
                "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                StreamState.class.getName()));
    java.addAll(List.of(command.substring("./streamstate ".length()).trim().split("\\s+")));
    ProcessBuilder builder = new ProcessBuilder(java).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
    return builder.start();
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

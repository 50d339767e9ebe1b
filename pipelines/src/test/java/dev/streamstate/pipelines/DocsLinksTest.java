package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of the project's Markdown (the README, {@code docs/} and the other pages)
 * leads somewhere: to a file or folder that exists and, where it names an anchor, to a heading of
 * that page, with the anchor GitHub makes of the heading. Links to the web are not followed.
 */
class DocsLinksTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");

  @Test
  void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
    List<Path> pages = pages();
    assertTrue(pages.contains(ROOT.resolve("README.md")), "no README.md under " + ROOT);
    assertTrue(
        pages.stream().anyMatch(page -> page.getParent().equals(ROOT.resolve("docs"))),
        "no page in docs/");
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      for (String target : links(Files.readAllLines(page))) {
        if (target.matches("^[a-z]+:.*")) {
          continue; // https:, mailto:
        }
        checked++;
        String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
        String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
        Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(linked)) {
          broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
        } else if (anchor != null && !anchors(Files.readAllLines(linked)).contains(anchor)) {
          broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
        }
      }
    }
    assertTrue(checked > 20, "only " + checked + " relative links found");
    assertEquals(List.of(), broken, "broken links");
  }

  @Test
  void anchorsAreMadeAsGitHubMakesThem() {
    assertEquals(
        Set.of("our-translation-of-stateful-pardo-and-groupbykey---runnerstreamstatesparkrunner"),
        anchors(
            List.of(
                "## Our translation of stateful ParDo and GroupByKey (`--runner=StreamStateSparkRunner`)")));
    assertEquals(
        Set.of("sessions-in-event-time-on-every-runner", "tests", "tests-1"),
        anchors(
            List.of(
                "# Sessions in event time, on every runner",
                "## Tests",
                "```",
                "# not a heading",
                "```",
                "### Tests")));
  }

  /**
   * Every Markdown page of the checkout. Build output and Git's files are not entered: other tests
   * of this module make and delete directories under {@code target/} while this one runs.
   */
  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>();
    Files.walkFileTree(
        ROOT,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
            return Set.of("target", ".git", ".mvn").contains(name)
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (file.toString().endsWith(".md")) {
              pages.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return pages;
  }

  /** The link targets of a page, outside code blocks. */
  private static List<String> links(List<String> lines) {
    List<String> targets = new ArrayList<>();
    boolean code = false;
    for (String line : lines) {
      if (line.startsWith("```")) {
        code = !code;
      } else if (!code) {
        Matcher link = LINK.matcher(line.replaceAll("`[^`]*`", ""));
        while (link.find()) {
          targets.add(link.group(1));
        }
      }
    }
    return targets;
  }

  /**
   * The anchors of a page's headings as GitHub makes them: lower case, punctuation dropped, spaces
   * as hyphens, a repeated one numbered from 1.
   */
  static Set<String> anchors(List<String> lines) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean code = false;
    for (String line : lines) {
      if (line.startsWith("```")) {
        code = !code;
        continue;
      }
      Matcher heading = HEADING.matcher(line);
      if (!code && heading.matches()) {
        String base =
            heading
                .group(1)
                .strip()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
                .replace(' ', '-');
        int times = seen.merge(base, 1, Integer::sum) - 1;
        anchors.add(times == 0 ? base : base + "-" + times);
      }
    }
    return anchors;
  }
}

package dev.streamstate.pipelines;

import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A known ledger of text lines for fault tests of {@code running-word-count}: made from a fixed
 * seed, sent to Kafka at a steady rate, and compared word by word with what the pipeline upserted
 * into {@code finances.running_word_counts}.
 */
final class WordLedger {
  static final String TABLE = "finances.running_word_counts";

  final List<String> lines;
  final Map<String, Long> counts = new TreeMap<>();

  /** {@code size} lines of 1 to 6 words from a vocabulary of 300, a few words much more common. */
  WordLedger(long seed, int size) {
    Random random = new Random(seed);
    List<String> made = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      StringBuilder line = new StringBuilder();
      int words = 1 + random.nextInt(6);
      for (int w = 0; w < words; w++) {
        String word = "w" + (random.nextBoolean() ? random.nextInt(10) : random.nextInt(300));
        line.append(w == 0 ? "" : " ").append(word);
        counts.merge(word, 1L, Long::sum);
      }
      made.add(line.toString());
    }
    lines = List.copyOf(made);
  }

  long words() {
    return sum(counts);
  }

  /** Sends the lines to {@code topic}, {@code perSecond} a second (see {@link LedgerProducer}). */
  void produce(String bootstrapServers, String topic, int perSecond) {
    produce(bootstrapServers, topic, perSecond, 0, lines.size());
  }

  /** As {@link #produce(String, String, int)}, lines {@code from} (inclusive) to {@code to}. */
  void produce(String bootstrapServers, String topic, int perSecond, int from, int to) {
    LedgerProducer.send(
        bootstrapServers, topic, perSecond, lines.subList(from, to), (line, timestamp) -> {});
  }

  /** The counts in Cassandra now. */
  static Map<String, Long> table(Session session) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row row : session.execute("SELECT word, count FROM " + TABLE)) {
      counts.put(row.getString("word"), row.getLong("count"));
    }
    return counts;
  }

  /** Polls Cassandra until it holds exactly the ledger's counts, or {@code timeout} has passed. */
  Map<String, Long> awaitCounts(Session session, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Long> actual = table(session);
    while (!actual.equals(counts) && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      actual = table(session);
    }
    return actual;
  }

  /** "N lost, M counted twice": occurrences missing from, and in excess of, the ledger. */
  String compare(Map<String, Long> actual) {
    long lost = 0;
    long twice = 0;
    for (Map.Entry<String, Long> word : counts.entrySet()) {
      long difference = actual.getOrDefault(word.getKey(), 0L) - word.getValue();
      lost += Math.max(0, -difference);
      twice += Math.max(0, difference);
    }
    return lines.size()
        + " lines, "
        + words()
        + " words in the ledger, "
        + sum(actual)
        + " counted in Cassandra: "
        + lost
        + " lost, "
        + twice
        + " counted twice";
  }

  static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
